import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../src/atlas/locate.mjs';
import { runToEnd } from './process.ts';

/** What a scratch copy of the repository holds: the schema workflow's files. */
const copied = ['schema.sql', 'atlas.hcl', 'migrations', path.join('src', 'db', 'zapatos')];

/**
 * A temporary copy of the repository's schema files, to break on purpose:
 * the real migrations/ and atlas.sum are never touched by tests.
 */
export function scratchRepo(): { root: string; file: (...parts: string[]) => string; dispose: () => void } {
  const root = mkdtempSync(path.join(tmpdir(), 'bookshelf-repo-'));
  for (const entry of copied) cpSync(path.join(repoRoot, entry), path.join(root, entry), { recursive: true });
  return {
    root,
    file: (...parts) => path.join(root, ...parts),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface CliRun {
  code: number;
  output: string;
}

/**
 * Runs `npm run db:check`'s command line (tsx src/commands/main.ts check)
 * as a child process, without the developer's DATABASE_URL & co, so tests
 * see its real exit code and output.
 */
export function runDbCheck(args: string[]): Promise<CliRun> {
  const env = { ...process.env };
  for (const name of ['DATABASE_URL', 'DIRECT_DATABASE_URL', 'ATLAS_DEV_URL']) delete env[name];
  const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
  return runToEnd(tsx, ['src/commands/main.ts', 'check', ...args], { cwd: repoRoot, env });
}
