import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { typesFromMigrations } from '../commands/db-types.ts';
import { fail, pass, type CheckResult } from './result.ts';

const name = 'zapatos types fresh';
export const typesFile = path.join('src', 'db', 'zapatos', 'schema.d.ts');

/**
 * (c) The committed zapatos types equal the types generated from the
 * migrated schema (migrations/ replayed on the dev database).
 */
export async function checkTypesFresh(projectRoot: string, workingRoot: string, devUrl: string): Promise<CheckResult> {
  const committedPath = path.join(projectRoot, typesFile);
  if (!existsSync(committedPath)) return fail(name, `${typesFile} is missing: run npm run db:types`);
  const out = mkdtempSync(path.join(tmpdir(), 'bookshelf-check-types-'));
  try {
    await typesFromMigrations(devUrl, out, false, workingRoot);
    const fresh = readFileSync(path.join(out, 'zapatos', 'schema.d.ts'), 'utf8');
    const committed = readFileSync(committedPath, 'utf8');
    if (fresh === committed) return pass(name, `${typesFile} matches the migrated schema`);
    return fail(name, `${typesFile} is stale (does not match the migrated schema): run npm run db:types`, firstDifference(committed, fresh));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function firstDifference(committed: string, fresh: string): string[] {
  const a = committed.split('\n');
  const b = fresh.split('\n');
  const at = a.findIndex((line, i) => line !== b[i]);
  const line = at === -1 ? a.length : at;
  return [`first difference at line ${line + 1}:`, `  committed: ${(a[line] ?? '<end of file>').trim()}`, `  generated: ${(b[line] ?? '<end of file>').trim()}`];
}
