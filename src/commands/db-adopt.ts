import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot, projectFiles } from '../project/paths.mjs';
import { compareCatalogs, describeDifference, type Difference } from '../catalog/compare.ts';
import { declareSchema } from '../catalog/declare.ts';
import { declaredLine } from '../catalog/declared-lines.ts';
import { adoptBaselineMarker } from '../catalog/adopt-baseline.ts';
import { correctDeclaredSchema } from '../catalog/adopt-corrections.ts';
import { readCatalog } from '../catalog/read.ts';
import { catalogOfMigrations, catalogOfSchemaFile } from '../catalog/states.ts';
import { projectConfig } from './context.ts';
import { redactSecrets } from '../config/redact.ts';
import { commandTargets } from './context.ts';
import { atlasOrThrow } from '../atlas/run.ts';
import { CommandError } from '../errors/user-error.ts';
import { typesFromMigrations } from './db-types.ts';
import { requireDev, targetFlags } from '../atlas/flags.ts';
import { migrationNames } from '../project/migration-files.ts';
import { assertReachable } from '../postgres/reachable.ts';
import { ScriptError } from '../postgres/run-script.ts';
import { splittableByAtlas } from '../project/sql-statements.ts';

const usage = 'Usage: npm run db:adopt -- [--url <database>] [--dev-url <scratch db>] [--dir <project>] [--replace] [--keep-schema]';

/** Where `--replace` moves the migrations the project had (the guide's, in a bookshelf clone). */
const replacedMigrationsDir = 'migrations.before-adopt';

/**
 * `npm run db:adopt`: starts the project from a database that exists
 * already (e.g. the guide's Alembic-managed one on Neon): writes schema.sql
 * from it, a baseline migration with the same SQL, zapatos types, and marks
 * the baseline as applied on that database (`atlas migrate apply
 * --baseline`), so nothing is replayed on it. Tables in SCHEMA_EXCLUDE
 * (default alembic_version) stay out. Before migrations/ or the database are
 * touched, it checks that schema.sql, and the baseline replayed, give
 * exactly that database (every object in Postgres' catalogs); otherwise it
 * stops, with schema.sql written as far as it could, naming each object that
 * differs or is missing (with its line in schema.sql); after the user fixed
 * those by hand, `--keep-schema` adopts with their schema.sql as it is.
 *
 * A project that has migrations already (a bookshelf clone has the guide's
 * two) is refused unless `--replace`: they move to migrations.before-adopt/,
 * and the baseline replaces them (db:check then accepts them gone).
 */
export default async function dbAdopt(args: string[]): Promise<void> {
  const flags = parse(args);
  const config = projectConfig();
  const root = path.resolve(flags.dir ?? repoRoot);
  const liveUrl = flags.url ?? config.DIRECT_DATABASE_URL ?? config.DATABASE_URL;
  if (!liveUrl) throw new CommandError(`db:adopt needs the database to adopt: --url <url>, or set DATABASE_URL.\n${usage}`, 2);
  const existing = migrationNames(root);
  if (existing.length > 0 && !flags.replace) {
    throw new CommandError(
      `migrations/ already holds ${existing.length} migration(s): db:adopt starts a project from an existing database. ` +
        `Run it with --replace to move them to ${replacedMigrationsDir}/ (the baseline replaces them; a bookshelf checkout ` +
        'ships the guide’s two), or move them out of migrations/ yourself.',
      2,
    );
  }
  if (flags.replace && existsSync(path.join(root, replacedMigrationsDir))) {
    throw new CommandError(`${replacedMigrationsDir}/ exists already (from an earlier db:adopt --replace): remove it first.`, 2);
  }
  const schemaFile = path.join(root, projectFiles.schema);
  if (flags.keepSchema && !existsSync(schemaFile)) throw new CommandError(`--keep-schema: there is no ${schemaFile}.`, 2);
  const dev = await devDatabase(flags.devUrl, config.ATLAS_DEV_URL);
  const excludeTables = config.SCHEMA_EXCLUDE;
  console.log(`adopting ${redactSecrets(liveUrl)}${excludeTables.length ? ` (leaving out ${excludeTables.join(', ')})` : ''}`);

  const live = await readCatalog(liveUrl, { excludeTables, uncompared: { source: 'the database to adopt' } });
  // 1. schema.sql, written first (the user's own file: every error names its line), gives exactly the database.
  if (!flags.keepSchema) writeFileSync(schemaFile, await declareSchema(liveUrl, excludeTables));
  const differences = await withAdvice(liveUrl, Boolean(flags.replace), Boolean(flags.keepSchema), async () => {
    if (!flags.keepSchema) writeFileSync(schemaFile, await correctDeclaredSchema(root, live, dev));
    return compareCatalogs(live, await catalogOfSchemaFile(dev, root));
  });
  const schema = readFileSync(schemaFile, 'utf8');
  if (differences.length > 0) throw stopped(differences, schema, liveUrl, Boolean(flags.replace));
  console.log(`${flags.keepSchema ? 'kept' : 'wrote'} schema.sql (${schema.split('\n').length} lines): it gives exactly the database`);

  // 2. The baseline: the same SQL as a migration, hashed, and it replays to the same.
  const migrationsDir = path.join(root, projectFiles.migrations);
  const moved = flags.replace && existsSync(migrationsDir) && readdirSync(migrationsDir).length > 0;
  if (moved) renameSync(migrationsDir, path.join(root, replacedMigrationsDir));
  mkdirSync(migrationsDir, { recursive: true });
  const version = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const baseline = path.join(migrationsDir, `${version}_baseline.sql`);
  try {
    // The same SQL, as Atlas replays it (a function's BEGIN ATOMIC body runs whole: sql-statements.ts).
    writeFileSync(baseline, `${adoptBaselineMarker}\n${splittableByAtlas(schema)}`);
    await atlasOrThrow(['migrate', 'hash', ...targetFlags({ migrate: dev, dev })], { echo: false, cwd: root });
    const replayed = compareCatalogs(live, await catalogOfMigrations(dev, root));
    if (replayed.length > 0) throw differ(replayed, 'the baseline migration replayed');
  } catch (error) {
    // Nothing was marked as applied: migrations/ goes back to what it was.
    rmSync(migrationsDir, { recursive: true, force: true });
    if (moved) renameSync(path.join(root, replacedMigrationsDir), migrationsDir);
    throw error;
  }
  if (moved) {
    console.log(
      `moved the ${existing.length} migration(s) migrations/ held (${existing.join(', ')}) and their atlas.sum to ` +
        `${replacedMigrationsDir}/: the baseline replaces them. Delete that folder once you no longer need it ` +
        '(git keeps the committed ones); db:check accepts them gone from migrations/.',
    );
  }
  console.log(`wrote migrations/${path.basename(baseline)}`);

  // 3. The database has it already: record the baseline as applied, run nothing.
  await atlasOrThrow(['migrate', 'apply', ...targetFlags({ migrate: liveUrl, dev: undefined }), '--baseline', version], { cwd: root });
  await typesFromMigrations(dev, path.join(root, 'src', 'db'), false, root);
  console.log('wrote src/db/zapatos/ (types)');
  console.log('Next: commit schema.sql, migrations/ and src/db/zapatos/; `npm run db:check -- --url <database>` shows no drift.');
}

/**
 * The scratch database: --dev-url, else ATLAS_DEV_URL (without starting the
 * embedded Postgres: issue 19, D16), else the embedded one's.
 */
async function devDatabase(flag: string | undefined, configured: string | undefined): Promise<string> {
  if (flag) return flag;
  if (configured) {
    await assertReachable(configured, 'ATLAS_DEV_URL');
    return configured;
  }
  return requireDev(await commandTargets());
}

/** A statement of schema.sql that Postgres refuses: named by schema.sql's line (ScriptError), and what to do. */
async function withAdvice<T>(liveUrl: string, replace: boolean, kept: boolean, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ScriptError)) throw error;
    throw new CommandError(
      [
        `db:adopt stopped: ${error.message}`,
        `schema.sql ${kept ? 'is as you wrote it' : 'holds what db:adopt could declare'}; nothing was marked as applied and migrations/ is as it was.`,
        'Fix that statement in schema.sql by hand (often: move it below what it needs), then adopt with it as it is:',
        `  ${keepSchemaCommand(liveUrl, replace)}`,
      ].join('\n'),
    );
  }
}

const keepSchemaCommand = (liveUrl: string, replace: boolean) =>
  `npm run db:adopt -- --url ${redactSecrets(liveUrl)} --keep-schema${replace ? ' --replace' : ''}`;

/** schema.sql does not give the database: each object that differs at its line, each missing one, and what to do. */
function stopped(differences: Difference[], schema: string, liveUrl: string, replace: boolean): CommandError {
  const lines = differences.flatMap((difference) => {
    const object = { kind: difference.kind, name: difference.name };
    const line = declaredLine(schema, object);
    const where =
      difference.right === undefined
        ? `missing from schema.sql${line ? ` (schema.sql:${line} names it)` : ''}`
        : difference.left === undefined
          ? `only in schema.sql${line ? `, schema.sql:${line}` : ''}: not in the database`
          : `differs, schema.sql:${line ?? '?'}`;
    return [`${difference.kind} ${difference.name}: ${where}`, ...describeDifference(difference, ['database', 'schema.sql']).slice(1)].map(
      (text) => `  ${text}`,
    );
  });
  return new CommandError(
    [
      `db:adopt stopped: schema.sql does not give exactly the database (${differences.length} object(s) differ); ` +
        'nothing was marked as applied and migrations/ is as it was.',
      `schema.sql holds what db:adopt could declare (${schema.split('\n').length} lines); what it could not:`,
      ...lines,
      'Write or fix those objects in schema.sql by hand (the database’s definition is shown above), then adopt with it as it is:',
      `  ${keepSchemaCommand(liveUrl, replace)}`,
      'Or report the case (issue 19).',
    ].join('\n'),
  );
}

function differ(differences: Difference[], what: string): CommandError {
  return new CommandError(
    [
      `db:adopt stopped: ${what} does not give exactly the database (${differences.length} object(s) differ); nothing was marked as applied.`,
      ...differences.flatMap((d) => describeDifference(d, ['database', what])).map((line) => `  ${line}`),
      'Report the case: schema.sql gives the database, its baseline migration should too.',
    ].join('\n'),
  );
}

function parse(args: string[]): { url?: string; devUrl?: string; dir?: string; replace?: boolean; keepSchema?: boolean } {
  try {
    const { values } = parseArgs({
      args,
      options: {
        url: { type: 'string' },
        'dev-url': { type: 'string' },
        dir: { type: 'string' },
        replace: { type: 'boolean' },
        'keep-schema': { type: 'boolean' },
      },
    });
    return { url: values.url, devUrl: values['dev-url'], dir: values.dir, replace: values.replace, keepSchema: values['keep-schema'] };
  } catch (error) {
    throw new CommandError(`${(error as Error).message}\n${usage}`, 2);
  }
}
