import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectFiles } from './paths.mjs';

/** A migration file as the gate reads it. */
export interface MigrationFile {
  name: string;
  path: string;
  text: string;
  /** Starts with `-- atlas:txmode none`: Atlas runs it outside a transaction. */
  noTransaction: boolean;
}

/** The names of migrations/*.sql of a project, in the order Atlas applies them (by name: the version leads); [] without the folder. */
export function migrationNames(projectRoot: string): string[] {
  const dir = path.join(projectRoot, projectFiles.migrations);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort();
}

/** The version a migration file name starts with (`20261204190000_add_website.sql` → `20261204190000`). */
export function versionOf(name: string): string {
  return name.replace(/\.sql$/, '').split('_')[0]!;
}

/** The file name of a version in migrations/, if there is one. */
export function fileOfVersion(projectRoot: string, version: string): string | undefined {
  return migrationNames(projectRoot).find((name) => versionOf(name) === version);
}

/** migrations/*.sql of a project with their text, in the order Atlas applies them. */
export function migrationFiles(projectRoot: string): MigrationFile[] {
  const dir = path.join(projectRoot, projectFiles.migrations);
  return migrationNames(projectRoot).map((name) => {
    const text = readFileSync(path.join(dir, name), 'utf8');
    return { name, path: path.join(dir, name), text, noTransaction: /^\s*--\s*atlas:txmode\s+none\b/.test(text) };
  });
}
