import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeWorkingCopy } from './working-copy.ts';
import { atlasOrThrow } from '../atlas/run.ts';
import { CommandError } from '../errors/user-error.ts';
import { targetFlags } from '../atlas/flags.ts';
import { resetScratchDatabase } from '../postgres/scratch.ts';
import { compareCatalogs, describeDifference } from './compare.ts';
import { hashMigrations, newMigration, removeMigration } from './migration-file.ts';
import type { Catalog } from './object.ts';
import { planAfterAtlas, planBeforeAtlas } from './plan.ts';
import { readCatalog } from './read.ts';
import { prepareScratchRevisions } from './scratch-revisions.ts';
import { runScript, ScriptError } from '../postgres/run-script.ts';
import { ManualChange } from './statements.ts';
import { correctAtlasSql } from './atlas-sql.ts';
import { replayKeepingState } from './states.ts';
import { projectFiles } from '../project/paths.mjs';
import { splittableByAtlas } from '../project/sql-statements.ts';

export interface CompleteOptions {
  /** The project: atlas.hcl, schema.sql, migrations/. */
  root: string;
  /** The scratch (dev) database. */
  devUrl: string;
  /** The migration's name, for a file of our own when Atlas wrote none. */
  name: string;
  /** The file `atlas migrate diff` just wrote, if it wrote one. */
  atlasFile: string | undefined;
  /** The catalog of schema.sql loaded. */
  declared: Catalog;
  /**
   * Called once the migration is written and proven, while the dev database
   * still holds migrations/ (the new file included) as Atlas replayed them
   * from empty, which it then empties: db:diff generates the types from that
   * replay instead of replaying again (each replay of a 1,800-statement file
   * takes seconds). When given, the proof is always Atlas's replay, also for
   * Atlas's own file unchanged. Its errors are passed on as they are.
   */
  whileReplayed?: (devUrl: string, completed: Completed) => Promise<void>;
}

export interface Completed {
  file: string;
  /** Statements added to Atlas's (before and after its own). */
  added: number;
}

const manualPath =
  'Write that change by hand: npm run db:new -- <name> gives an empty migration (in atlas.sum) for your SQL; ' +
  're-hash with npx atlas migrate hash --env local, then npm run db:check verifies it against schema.sql.';

/** db:diff gave up; the file it wrote is gone again. */
class Incomplete extends CommandError {}

/**
 * Completes the migration Atlas wrote (or writes one when Atlas wrote
 * nothing) with the objects Atlas community does not diff, planned by
 * plan.ts from Postgres' catalogs, then proves it: replaying migrations/
 * must give exactly schema.sql's catalog. When it cannot (or anything
 * fails on the way), the file is taken out again (atlas.sum re-hashed) and
 * the error names the objects. Returns the migration's file name and how
 * many statements were added, or undefined when nothing differs.
 */
export async function completeMigration({
  root,
  devUrl,
  name,
  atlasFile,
  declared,
  whileReplayed,
}: CompleteOptions): Promise<Completed | undefined> {
  await resetScratchDatabase(devUrl);
  try {
    const old = await replayWithout(root, devUrl, atlasFile); // and the dev database stays in that state
    if (!atlasFile && compareCatalogs(old, declared).length === 0) return undefined;
    const file = atlasFile ?? (await newMigration(root, name));
    const completed = await complete(
      root,
      devUrl,
      file,
      atlasFile ? readFileSync(path.join(root, projectFiles.migrations, file), 'utf8') : '',
      old,
      declared,
      whileReplayed !== undefined,
    );
    await whileReplayed?.(devUrl, completed);
    return completed;
  } finally {
    await resetScratchDatabase(devUrl);
  }
}

/** migrations/ replayed by Atlas on the (empty) dev database, without `file`; its catalog. */
async function replayWithout(root: string, devUrl: string, file: string | undefined): Promise<Catalog> {
  const copy = await makeWorkingCopy(root, devUrl);
  try {
    if (file) {
      rmSync(path.join(copy.root, projectFiles.migrations, file));
      await hashMigrations(copy.root);
    }
    await prepareScratchRevisions(devUrl, copy.root);
    await atlasOrThrow(['migrate', 'apply', ...targetFlags({ migrate: devUrl, dev: undefined })], { echo: false, cwd: copy.root });
    return await readCatalog(devUrl, { uncompared: { source: 'migrations/' } });
  } finally {
    copy.dispose();
  }
}

/**
 * Plans, writes and proves `file` (Atlas's `atlasFile`, or empty) with the dev database at `old`; `byAtlas`: prove it
 * by Atlas's replay even when the file is Atlas's own, and leave the dev database in that replayed state.
 */
async function complete(
  root: string,
  devUrl: string,
  file: string,
  atlasFile: string,
  old: Catalog,
  declared: Catalog,
  byAtlas: boolean,
): Promise<Completed> {
  // What cannot be corrected after Atlas's statements is corrected in them (atlas-sql.ts).
  const atlasSql = correctAtlasSql(atlasFile, declared, (table) => !old.has(`table ${table}`));
  const filePath = path.join(root, projectFiles.migrations, file);
  const giveUp = async (message: string): Promise<never> => {
    await removeMigration(root, file);
    throw new Incomplete(`${message}\nmigrations/${file} was removed again (atlas.sum re-hashed).\n${manualPath}`);
  };
  try {
    const before = planBeforeAtlas(old, declared);
    // The state after Atlas's statements, the quick way: the file so far as one script on top of `old`.
    try {
      await runScript(devUrl, compose(atlasSql, before, []), `migrations/${file}`, { locate: false });
    } catch (error) {
      if (!(error instanceof ScriptError)) throw error;
      return await giveUp(`db:diff could not complete the migration: ${error.message}`);
    }
    const current = await readCatalog(devUrl, { uncompared: { source: `migrations/ with ${file}` } });
    const after = planAfterAtlas(current, declared, old);
    if (!atlasSql && before.length === 0 && after.length === 0) return await giveUp(unexplained(old, declared));
    if (before.length > 0 || after.length > 0 || !atlasSql || atlasSql !== atlasFile) {
      writeFileSync(filePath, compose(atlasSql, before, after));
      await hashMigrations(root);
    }
    // The proof, by Atlas itself (its replay is what every database will run, statement by statement, e.g. outside a
    // transaction on the dev database); for Atlas's own file, unchanged, the state just read is that proof (unless the
    // caller wants the replayed state).
    const replayed =
      byAtlas || before.length > 0 || after.length > 0 || atlasSql !== atlasFile ? await replay(root, devUrl, file, giveUp) : current;
    const differences = compareCatalogs(replayed, declared);
    if (differences.length > 0) {
      return await giveUp(
        [
          `db:diff could not complete the migration: replaying migrations/ still differs from schema.sql in ${differences.length} object(s):`,
          ...differences.flatMap((d) => describeDifference(d, ['migrations', 'schema.sql']).map((line) => `  ${line}`)),
        ].join('\n'),
      );
    }
    return { file, added: before.length + after.length };
  } catch (error) {
    if (error instanceof Incomplete) throw error;
    if (error instanceof ManualChange)
      return giveUp([`db:diff cannot write this change itself: ${error.message}`, ...error.details].join('\n'));
    return giveUp(`db:diff could not complete the migration: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function replay(root: string, devUrl: string, file: string, giveUp: (message: string) => Promise<never>): Promise<Catalog> {
  try {
    return await replayKeepingState(devUrl, root); // the caller empties the dev database
  } catch (error) {
    return giveUp(`db:diff could not complete the migration: migrations/${file} fails when replayed:\n${(error as Error).message}`);
  }
}

function unexplained(old: Catalog, declared: Catalog): string {
  const differences = compareCatalogs(old, declared);
  return [
    `db:diff found differences it has no statements for (${differences.length} object(s)):`,
    ...differences.flatMap((d) => describeDifference(d, ['migrations', 'schema.sql']).map((line) => `  ${line}`)),
  ].join('\n');
}

const section = (title: string, statements: string[]) =>
  statements.length ? `-- ${title}\n${splittableByAtlas(statements.join('\n'))}\n` : ''; // BEGIN ATOMIC, whole

/**
 * The migration: Atlas's directives (`-- atlas:...` lines) stay first, then
 * what Atlas's statements need, Atlas's statements, and the rest.
 */
function compose(atlasSql: string, before: string[], after: string[]): string {
  const directives = /^(?:-- atlas:.*\n)+\n?/.exec(atlasSql)?.[0] ?? '';
  const body = atlasSql.slice(directives.length).trim();
  const alone = 'What Atlas does not diff, written by db:diff';
  const [first, then] = body
    ? ["Before Atlas's statements: what it needs, written by db:diff", "After Atlas's statements: the rest, written by db:diff"]
    : [alone, alone];
  return [directives && `${directives.trimEnd()}\n`, section(first, before).trimEnd(), body, section(then, after).trimEnd()]
    .filter(Boolean)
    .join('\n')
    .concat('\n');
}
