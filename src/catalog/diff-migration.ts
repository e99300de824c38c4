import { atlasOrThrow } from '../atlas/run.ts';
import { CommandError } from '../errors/user-error.ts';
import { atlasUrl } from '../atlas/flags.ts';
import { completeMigration, type Completed } from './complete-migration.ts';
import { withSchemaLoaded } from './declared-database.ts';
import { ScriptError } from '../postgres/run-script.ts';
import { migrationFiles } from './migration-file.ts';
import { readCatalog } from './read.ts';
import { resetScratchDatabase } from '../postgres/scratch.ts';

export interface DiffOptions {
  /** The project: atlas.hcl, schema.sql, migrations/. */
  root: string;
  devUrl: string;
  name: string;
  /** Atlas's target flags (--env, --var url=..., --var dev_url=...). */
  atlasFlags: string[];
  /** Echo Atlas's command and output (default: true). */
  echo?: boolean;
  /**
   * When a migration was written: called with the dev database holding
   * migrations/ as Atlas replayed them to prove it (db:diff's types come from
   * that state); the dev database is emptied afterwards.
   */
  whileReplayed?: (devUrl: string) => Promise<void>;
}

/**
 * What `npm run db:diff` does: Atlas writes the migration from migrations/
 * to schema.sql (from an empty dev database, schema.sql read from a database
 * of its own), then complete-migration.ts adds what Atlas does not diff,
 * from the catalogs of migrations/ and of schema.sql.
 * Returns the migration's file name, or undefined when nothing changed.
 */
export async function diffMigration({
  root,
  devUrl,
  name,
  atlasFlags,
  echo = true,
  whileReplayed,
}: DiffOptions): Promise<string | undefined> {
  const before = migrationFiles(root);
  await resetScratchDatabase(devUrl); // Atlas wants it empty
  const declared = await withSchemaLoaded(devUrl, root, async (declaredUrl) => {
    // First: a kind the catalog does not compare stops db:diff before Atlas writes a file (uncompared.ts).
    const catalog = await readCatalog(declaredUrl, { uncompared: { source: 'schema.sql' } });
    await atlasOrThrow(['migrate', 'diff', name, '--to', atlasUrl(declaredUrl), ...atlasFlags], { echo, cwd: root });
    return catalog;
  }).catch((error: unknown) => {
    if (error instanceof ScriptError) throw new CommandError(`${error.message}\n(fix schema.sql and run the command again)`);
    throw error;
  });
  const atlasFile = [...migrationFiles(root)].find((file) => !before.has(file));
  const say = ({ added }: Completed) => {
    if (echo && added) {
      console.log(
        `db:diff: ${added} statement(s) for what Atlas does not diff (views, functions, triggers, ...) added, replayed and verified`,
      );
    }
  };
  const completed = await completeMigration({
    root,
    devUrl,
    name,
    atlasFile,
    declared,
    // Said before the caller's work on the replayed state (db:diff's types), as before, when the types replayed again.
    whileReplayed:
      whileReplayed &&
      (async (url, done) => {
        say(done);
        await whileReplayed(url);
      }),
  });
  if (completed && !whileReplayed) say(completed);
  return completed?.file;
}
