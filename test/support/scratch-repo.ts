import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../src/project/paths.mjs';
import { runToEnd } from './process.ts';

/** What a scratch copy of the repository holds: the schema workflow's files. */
const copied = ['schema.sql', 'atlas.hcl', 'migrations', path.join('src', 'db', 'zapatos')];

/** What a runnable copy holds too: the code (its own repoRoot), sharing node_modules and the built Atlas. */
const runnableCopied = ['src', 'package.json', 'tsconfig.json'];
const runnableLinked = ['node_modules', '.atlas'];

/**
 * A temporary copy of the repository's schema files, to break on purpose:
 * the real migrations/ and atlas.sum are never touched by tests. With
 * `runnable`, also the code, so that its commands and `src/main.ts` run
 * against the copy's migrations (src/atlas/locate.mjs finds the copy as the root).
 */
export function scratchRepo({ runnable = false } = {}): { root: string; file: (...parts: string[]) => string; dispose: () => void } {
  const root = mkdtempSync(path.join(tmpdir(), 'bookshelf-repo-'));
  for (const entry of [...copied, ...(runnable ? runnableCopied : [])]) {
    cpSync(path.join(repoRoot, entry), path.join(root, entry), { recursive: true });
  }
  if (runnable) for (const entry of runnableLinked) symlinkSync(path.join(repoRoot, entry), path.join(root, entry));
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
