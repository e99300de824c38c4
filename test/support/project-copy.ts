import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { createDatabase, dropDatabase } from './postgres.ts';
import { runEntrypoint } from './process.ts';

export interface ProjectCopy {
  /** The copy's directory: the project's schema.sql, atlas.hcl, migrations/, src/, package.json and tsconfig.json. */
  readonly dir: string;
  /** A database made from the migrated template: the copy's DATABASE_URL (set in beforeAll). */
  live: string;
  /** An empty database: the copy's ATLAS_DEV_URL (set in beforeAll). */
  dev: string;
  /** `npm run <command>`'s entry point in the copy, against `live` and `dev`. */
  run(args: string[]): Promise<{ code: number | null; output: string }>;
}

/**
 * A copy of the project for a test file that edits it as a user would (add a column, a table) and runs its commands:
 * made in beforeAll, with node_modules and .atlas linked, and removed with its two databases in afterAll.
 */
export function useProjectCopy(name: string): ProjectCopy {
  const adminUrl = inject('adminUrl');
  const copy: ProjectCopy = {
    dir: mkdtempSync(path.join(tmpdir(), `bookshelf-${name}-`)),
    live: '',
    dev: '',
    run: async (args) => {
      const command = runEntrypoint('src/commands/main.ts', { DATABASE_URL: copy.live, ATLAS_DEV_URL: copy.dev }, args, copy.dir);
      const { code } = await command.exited;
      return { code, output: command.output() };
    },
  };
  beforeAll(async () => {
    copy.live = await createDatabase(adminUrl); // the migrated template
    copy.dev = await createDatabase(adminUrl, { empty: true });
    for (const entry of ['schema.sql', 'atlas.hcl', 'migrations', 'src', 'package.json', 'tsconfig.json']) {
      cpSync(path.join(repoRoot, entry), path.join(copy.dir, entry), { recursive: true });
    }
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(copy.dir, 'node_modules'));
    symlinkSync(path.join(repoRoot, '.atlas'), path.join(copy.dir, '.atlas'));
  });
  afterAll(async () => {
    rmSync(copy.dir, { recursive: true, force: true });
    if (copy.live) await dropDatabase(adminUrl, copy.live);
    if (copy.dev) await dropDatabase(adminUrl, copy.dev);
  });
  return copy;
}

/** Every file under a directory, by relative path, with its text. */
export function filesUnder(dir: string, prefix = ''): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const relative = path.join(prefix, entry.name);
    if (entry.isDirectory()) for (const [file, text] of filesUnder(path.join(dir, entry.name), relative)) found.set(file, text);
    else found.set(relative, readFileSync(path.join(dir, entry.name), 'utf8'));
  }
  return found;
}
