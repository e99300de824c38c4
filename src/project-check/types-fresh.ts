import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { canMakeClientTypes, clientTypesFile, runClientTypes } from '../project/client-types.ts';
import type { Replay } from './replay.ts';
import { fail, pass, type CheckResult } from './result.ts';
import { projectFiles } from '../project/paths.mjs';

const name = 'zapatos types fresh';
const typesFile = path.join('src', 'db', 'zapatos', 'schema.d.ts');
const typesDir = projectFiles.zapatos;

/**
 * (c) The committed zapatos folder (schema.d.ts, api-shapes.ts and custom/)
 * equals what is generated from the migrated schema (migrations/ replayed
 * on the dev database): every file, none missing, none extra; and then the
 * typed client's types (src/client/api-types.ts) equal what the OpenAPI
 * document gives, built from those shapes (equal to the fresh ones, as just
 * checked) and the routes.
 */
export async function checkTypesFresh(projectRoot: string, replay: Replay): Promise<CheckResult> {
  if (!existsSync(path.join(projectRoot, typesFile))) return fail(name, `${typesFile} is missing: run npm run db:types`);
  if (replay.failure || !replay.types) return fail(name, `no types to compare: the migrations do not replay (${replay.failure})`);
  if ('failure' in replay.types) return fail(name, replay.types.failure);
  {
    const fresh = filesUnder(replay.types.dir);
    const committed = filesUnder(path.join(projectRoot, typesDir));
    for (const file of [...new Set([...fresh.keys(), ...committed.keys()])].sort()) {
      const shown = path.join(typesDir, file);
      if (!committed.has(file)) return fail(name, `${shown} is missing: run npm run db:types`);
      if (!fresh.has(file)) return fail(name, `${shown} is not generated from the migrated schema (left over?): run npm run db:types`);
      if (fresh.get(file) !== committed.get(file)) {
        return fail(
          name,
          `${shown} is stale (does not match the migrated schema): run npm run db:types`,
          firstDifference(committed.get(file)!, fresh.get(file)!),
        );
      }
    }
    if (!canMakeClientTypes(projectRoot)) {
      // Said, not implied: a copy of only the schema files has no code to make the document from.
      return pass(
        name,
        `${typesDir}/ (${fresh.size} files) matches the migrated schema; ${clientTypesFile} not compared (no code or node_modules here)`,
      );
    }
    const client = await runClientTypes(projectRoot, 'check');
    if (client.code !== 0) {
      return fail(
        name,
        `${clientTypesFile} is stale (does not match the OpenAPI document): run npm run client:types`,
        client.output.split('\n').slice(-3),
      );
    }
    return pass(name, `${typesDir}/ (${fresh.size} files) matches the migrated schema, and ${clientTypesFile} the OpenAPI document`);
  }
}

/** Every file below `dir`, by relative path, with its text. */
function filesUnder(dir: string, prefix = ''): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const relative = path.join(prefix, entry.name);
    if (entry.isDirectory()) for (const [file, text] of filesUnder(path.join(dir, entry.name), relative)) files.set(file, text);
    else files.set(relative, readFileSync(path.join(dir, entry.name), 'utf8'));
  }
  return files;
}

function firstDifference(committed: string, fresh: string): string[] {
  const a = committed.split('\n');
  const b = fresh.split('\n');
  const at = a.findIndex((line, i) => line !== b[i]);
  const line = at === -1 ? a.length : at;
  return [
    `first difference at line ${line + 1}:`,
    `  committed: ${(a[line] ?? '<end of file>').trim()}`,
    `  generated: ${(b[line] ?? '<end of file>').trim()}`,
  ];
}
