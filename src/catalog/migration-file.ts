import { rmSync } from 'node:fs';
import { migrationNames } from '../project/migration-files.ts';
import path from 'node:path';
import { atlasOrThrow } from '../atlas/run.ts';
import { projectFiles } from '../project/paths.mjs';

/**
 * The files of a project's migrations/ directory, through Atlas where
 * atlas.sum is involved: a new file is made by `atlas migrate new` and every
 * change is followed by `atlas migrate hash`, so atlas.sum always matches.
 */
export const migrationFiles = (root: string) => new Set(migrationNames(root));

/** Atlas's flag for the directory (no database is involved). */
const dirFlag = ['--dir', 'file://migrations'];

export async function hashMigrations(root: string): Promise<void> {
  await atlasOrThrow(['migrate', 'hash', ...dirFlag], { echo: false, cwd: root });
}

/** An empty migration `<version>_<name>.sql`, already in atlas.sum; returns its file name. */
export async function newMigration(root: string, name: string): Promise<string> {
  const before = migrationFiles(root);
  await atlasOrThrow(['migrate', 'new', name, ...dirFlag], { echo: false, cwd: root });
  const [file] = [...migrationFiles(root)].filter((f) => !before.has(f));
  if (!file) throw new Error(`atlas migrate new ${name} wrote no file`);
  return file;
}

/** Takes a migration back out (one that db:diff could not complete), and re-hashes. */
export async function removeMigration(root: string, file: string): Promise<void> {
  rmSync(path.join(root, projectFiles.migrations, file), { force: true });
  await hashMigrations(root);
}
