import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A migration file as the gate reads it. */
export interface MigrationFile {
  name: string;
  path: string;
  text: string;
  /** Starts with `-- atlas:txmode none`: Atlas runs it outside a transaction. */
  noTransaction: boolean;
}

/** migrations/*.sql of a project, in the order Atlas applies them (by name: the version leads). */
export function migrationFiles(projectRoot: string): MigrationFile[] {
  const dir = path.join(projectRoot, 'migrations');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => {
      const text = readFileSync(path.join(dir, name), 'utf8');
      return { name, path: path.join(dir, name), text, noTransaction: /^\s*--\s*atlas:txmode\s+none\b/.test(text) };
    });
}
