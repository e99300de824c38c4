import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot, projectFiles } from '../project/paths.mjs';
import { compareCatalogs, describeDifference } from '../catalog/compare.ts';
import { declareSchema } from '../catalog/declare.ts';
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

const usage = 'Usage: npm run db:adopt -- [--url <database>] [--dev-url <scratch db>] [--dir <project>]';

/**
 * `npm run db:adopt`: starts the project from a database that exists
 * already (e.g. the guide's Alembic-managed one on Neon): writes schema.sql
 * from it, a baseline migration with the same SQL, zapatos types, and marks
 * the baseline as applied on that database (`atlas migrate apply
 * --baseline`), so nothing is replayed on it. Tables in SCHEMA_EXCLUDE
 * (default alembic_version) stay out. Before it writes anything, it checks
 * that the new schema.sql, and the baseline replayed, give exactly that
 * database (every object in Postgres' catalogs); otherwise it stops and
 * names what differs.
 */
export default async function dbAdopt(args: string[]): Promise<void> {
  const flags = parse(args);
  const config = projectConfig();
  const root = path.resolve(flags.dir ?? repoRoot);
  const liveUrl = flags.url ?? config.DIRECT_DATABASE_URL ?? config.DATABASE_URL;
  if (!liveUrl) throw new CommandError(`db:adopt needs the database to adopt: --url <url>, or set DATABASE_URL.\n${usage}`, 2);
  const existing = migrationNames(root);
  if (existing.length > 0) {
    throw new CommandError(
      `migrations/ already holds ${existing.length} migration(s): db:adopt starts a project from an existing database. ` +
        'Move them out of migrations/ first (a bookshelf checkout ships the guide’s two), then run it again.',
      2,
    );
  }
  const dev = flags.devUrl ?? requireDev(await commandTargets());
  const excludeTables = config.SCHEMA_EXCLUDE;
  console.log(`adopting ${redactSecrets(liveUrl)}${excludeTables.length ? ` (leaving out ${excludeTables.join(', ')})` : ''}`);

  const live = await readCatalog(liveUrl, { excludeTables, uncompared: { source: 'the database to adopt' } });
  const schema = await correctDeclaredSchema(await declareSchema(liveUrl, excludeTables), live, dev);
  const staging = mkdtempSync(path.join(tmpdir(), 'bookshelf-adopt-'));
  try {
    // 1. schema.sql gives exactly the database, before anything is written.
    writeFileSync(path.join(staging, projectFiles.schema), schema);
    mustEqual(live, await catalogOfSchemaFile(dev, staging), 'schema.sql as written');

    // 2. The baseline: the same SQL as a migration, hashed, and it replays to the same.
    writeFileSync(path.join(root, projectFiles.schema), schema);
    mkdirSync(path.join(root, projectFiles.migrations), { recursive: true });
    const version = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const baseline = path.join(root, projectFiles.migrations, `${version}_baseline.sql`);
    writeFileSync(baseline, schema);
    await atlasOrThrow(['migrate', 'hash', ...targetFlags({ migrate: dev, dev })], { echo: false, cwd: root });
    mustEqual(live, await catalogOfMigrations(dev, root), 'the baseline migration replayed');
    console.log(`wrote schema.sql and migrations/${path.basename(baseline)} (${schema.split('\n').length} lines)`);

    // 3. The database has it already: record the baseline as applied, run nothing.
    await atlasOrThrow(['migrate', 'apply', ...targetFlags({ migrate: liveUrl, dev: undefined }), '--baseline', version], { cwd: root });
    await typesFromMigrations(dev, path.join(root, 'src', 'db'), false, root);
    console.log('wrote src/db/zapatos/ (types)');
    console.log('Next: commit schema.sql, migrations/ and src/db/zapatos/; `npm run db:check -- --url <database>` shows no drift.');
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function mustEqual(live: Awaited<ReturnType<typeof readCatalog>>, built: Awaited<ReturnType<typeof readCatalog>>, what: string): void {
  const differences = compareCatalogs(live, built);
  if (differences.length === 0) return;
  throw new CommandError(
    [
      `db:adopt stopped: ${what} does not give exactly the database (${differences.length} object(s) differ); nothing was marked as applied.`,
      ...differences.flatMap((d) => describeDifference(d, ['database', what])).map((line) => `  ${line}`),
      'Write those objects into schema.sql by hand, or report the case.',
    ].join('\n'),
  );
}

function parse(args: string[]): { url?: string; devUrl?: string; dir?: string } {
  try {
    const { values } = parseArgs({ args, options: { url: { type: 'string' }, 'dev-url': { type: 'string' }, dir: { type: 'string' } } });
    return { url: values.url, devUrl: values['dev-url'], dir: values.dir };
  } catch (error) {
    throw new CommandError(`${(error as Error).message}\n${usage}`, 2);
  }
}
