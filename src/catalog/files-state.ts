import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { atlasOrThrow } from '../atlas/run.ts';
import { targetFlags } from '../atlas/flags.ts';
import { onEmptyScratchDatabase } from '../postgres/scratch.ts';
import { hashMigrations } from './migration-file.ts';
import type { Catalog } from './object.ts';
import { readCatalog } from './read.ts';
import { projectFiles } from '../project/paths.mjs';

/**
 * A migration file of the project to use, under its own name or (`[from,
 * to]`) copied under a new one.
 */
export type FileChoice = string | [from: string, to: string];

/**
 * A temporary project: the real one's atlas.hcl, the chosen migration files
 * (re-hashed: a fresh atlas.sum) and schema.sql (the real one's, or
 * `schemaText`). Work that must not touch the real project happens here
 * first (db:rebase proves the moved files, db:revert writes its migration).
 */
export interface ProjectCopy {
  root: string;
  dispose(): void;
}

export async function projectCopy(root: string, files: FileChoice[], schemaText?: string): Promise<ProjectCopy> {
  const copy = mkdtempSync(path.join(tmpdir(), 'bookshelf-project-'));
  const dispose = () => rmSync(copy, { recursive: true, force: true });
  try {
    mkdirSync(path.join(copy, projectFiles.migrations));
    copyFileSync(path.join(root, 'atlas.hcl'), path.join(copy, 'atlas.hcl'));
    for (const file of files) {
      const [from, to] = typeof file === 'string' ? [file, file] : file;
      copyFileSync(path.join(root, projectFiles.migrations, from), path.join(copy, projectFiles.migrations, to));
    }
    if (schemaText !== undefined) writeFileSync(path.join(copy, projectFiles.schema), schemaText);
    else if (existsSync(path.join(root, projectFiles.schema)))
      copyFileSync(path.join(root, projectFiles.schema), path.join(copy, projectFiles.schema));
    await hashMigrations(copy);
    return { root: copy, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

/**
 * Runs `use` on the scratch (dev) database holding the state the chosen
 * files give, replayed by Atlas in order (in a project copy: the real
 * migrations/ is never touched); the scratch database is emptied after.
 */
export async function withFilesReplayed<T>(
  devUrl: string,
  root: string,
  files: FileChoice[],
  use: (url: string) => Promise<T>,
): Promise<T> {
  const copy = await projectCopy(root, files);
  try {
    return await onEmptyScratchDatabase(devUrl, async () => {
      if (files.length > 0) {
        await atlasOrThrow(['migrate', 'apply', ...targetFlags({ migrate: devUrl, dev: undefined })], { echo: false, cwd: copy.root });
      }
      return use(devUrl);
    });
  } finally {
    copy.dispose();
  }
}

/** The catalog of the state the chosen files give. */
export function catalogOfFiles(devUrl: string, root: string, files: FileChoice[]): Promise<Catalog> {
  return withFilesReplayed(devUrl, root, files, (url) => readCatalog(url));
}
