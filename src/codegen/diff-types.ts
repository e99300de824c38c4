import { diffMigration, type DiffOptions } from '../catalog/diff-migration.ts';
import { generateTypes } from './generate-types.ts';

interface DiffWithTypesOptions extends Omit<DiffOptions, 'whileReplayed'> {
  /** Where the types go: `<outDir>/zapatos/` (src/db for the project). */
  outDir: string;
  /** Progress: "regenerating zapatos types" when they start. */
  log?: (line: string) => void;
  /** zapatos' warnings. */
  warn?: (line: string) => void;
}

/**
 * What `npm run db:diff` does below the CLI: the migration (diffMigration:
 * Atlas's diff, completed, then proven by Atlas replaying migrations/ from
 * empty), and the zapatos types and API shapes generated from that same
 * replay, as `npm run db:types` generates them from a replay of its own. One
 * replay instead of two: on an application-sized first migration (1,800
 * statements) each takes seconds. Returns the migration's file name, or
 * undefined when nothing changed (and no types are written).
 */
export function diffMigrationWithTypes({
  outDir,
  log = (line) => console.log(line),
  warn = (line) => console.warn(line),
  ...diff
}: DiffWithTypesOptions): Promise<string | undefined> {
  return diffMigration({
    ...diff,
    whileReplayed: async (url) => {
      log('regenerating zapatos types');
      await generateTypes(url, outDir, warn);
    },
  });
}
