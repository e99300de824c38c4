import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeSchemaSource } from '../project/schema-source.ts';
import { atlas } from '../atlas/run.ts';
import { targetFlags } from '../atlas/flags.ts';
import { projectFiles } from '../project/paths.mjs';

/**
 * A temporary copy of the project's atlas.hcl, schema.sql and migrations/,
 * re-hashed by `atlas migrate hash`. The checks that replay migrations run
 * on it, so each reports on its own subject even when atlas.sum is stale;
 * the fresh atlas.sum is what "migrations intact" compares the real one with.
 */
export interface WorkingCopy {
  root: string;
  /** atlas.sum as Atlas writes it for the files as they are now. */
  freshSum: string;
  dispose(): void;
}

export async function makeWorkingCopy(projectRoot: string, devUrl: string): Promise<WorkingCopy> {
  const root = mkdtempSync(path.join(tmpdir(), 'bookshelf-check-'));
  const dispose = () => rmSync(root, { recursive: true, force: true });
  try {
    for (const entry of ['atlas.hcl', 'schema.sql', 'migrations']) {
      const from = path.join(projectRoot, entry);
      if (existsSync(from)) cpSync(from, path.join(root, entry), { recursive: true });
    }
    if (existsSync(path.join(root, projectFiles.schema))) writeSchemaSource(root, root); // as bookshelf runs it (pg_dump files too)
    const hash = await atlas(['migrate', 'hash', ...targetFlags({ migrate: devUrl, dev: devUrl })], { echo: false, cwd: root });
    if (hash.code !== 0) throw new Error(`atlas migrate hash failed: ${(hash.stderr || hash.stdout).trim()}`);
    return { root, freshSum: readFileSync(path.join(root, projectFiles.migrations, 'atlas.sum'), 'utf8'), dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}
