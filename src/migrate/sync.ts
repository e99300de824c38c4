import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compareCatalogs, describeDifference } from '../catalog/compare.ts';
import { declareSchema } from '../catalog/declare.ts';
import { diffMigration } from '../catalog/diff-migration.ts';
import { projectCopy, withFilesReplayed } from '../catalog/files-state.ts';
import { hashMigrations } from '../catalog/migration-file.ts';
import type { Catalog } from '../catalog/object.ts';
import { readCatalog } from '../catalog/read.ts';
import { runScript } from '../postgres/run-script.ts';
import { catalogOfMigrations } from '../catalog/states.ts';
import { migrationFiles } from '../project/migration-files.ts';
import { CommandError } from '../errors/user-error.ts';
import { targetFlags } from '../atlas/flags.ts';
import { applyMigrations } from './apply.ts';
import { appliedVersions, forgetRevisions, recordRevisions } from './applied-revisions.ts';
import { describeLosses } from './sync-losses.ts';
import { versionOf } from '../project/migration-files.ts';
import { projectFiles } from '../project/paths.mjs';

export interface SyncOptions {
  /** The checkout: atlas.hcl, migrations/. */
  root: string;
  /** The LOCAL database to bring to this checkout (the command only ever passes the embedded one). */
  url: string;
  /** The scratch (dev) database. */
  devUrl: string;
  /** Tables schema.sql does not manage (SCHEMA_EXCLUDE): left as they are. */
  excludeTables?: string[];
  log?: (line: string) => void;
}

export interface Synced {
  /** The other branch's migrations whose changes were undone. */
  undone: string[];
  /** The statements that undid them. */
  statements: string;
  /** This checkout's migrations recorded as applied without running: older than the shared version, their changes made by the sync. */
  recorded: string[];
  /** This checkout's pending migrations, applied after. */
  applied: string[];
}

/**
 * `npm run db:sync`: the local database has migrations applied that this
 * checkout does not have (the developer switched branches). The state to
 * reach is this checkout's files up to the newest one the database shares
 * with it, replayed on the scratch database. The change from the live
 * catalog to that state is written the way db:diff writes any change (the
 * live database declared as a baseline, proven to give exactly its catalog;
 * that state as schema.sql; Atlas's diff completed from the catalogs and
 * proven), and runs on the database in one transaction: ALTERs, never a
 * re-create, so every row of every table both branches have stays. Then
 * Atlas's revisions follow (the other branch's rows removed, this
 * checkout's recorded), and this checkout's pending files are applied
 * through the gate as usual.
 */
export async function syncDatabase({ root, url, devUrl, excludeTables = [], log = () => {} }: SyncOptions): Promise<Synced> {
  const files = migrationFiles(root).map((file) => file.name);
  const known = new Set(files.map(versionOf));
  const applied = await appliedVersions(url);
  const undone = applied.filter((version) => !known.has(version));
  if (undone.length === 0) {
    log('db:sync: the database has no migrations this checkout lacks; applying the pending ones');
    const result = await applyMigrations(url, { dev: devUrl, root, log });
    return { undone, statements: '', recorded: [], applied: result.applied };
  }
  const shared = applied.filter((version) => known.has(version)).at(-1);
  const prefix = shared === undefined ? [] : files.filter((file) => BigInt(versionOf(file)) <= BigInt(shared));
  const recorded = prefix.filter((file) => !applied.includes(versionOf(file)));
  log(
    `db:sync: the database has ${undone.join(', ')} from another branch; going back to this checkout's ${prefix.at(-1) ?? 'empty state'}`,
  );

  const [desired, desiredSchema] = await withFilesReplayed(
    devUrl,
    root,
    prefix,
    async (state) => [await readCatalog(state), await declareSchema(state)] as const,
  );
  const statements = await changeFromLive(root, url, devUrl, excludeTables, desiredSchema);
  for (const line of await describeLosses(url, await readCatalog(url, { excludeTables }), desired)) log(line);
  if (statements) {
    for (const line of statements.trimEnd().split('\n')) log(`  ${line}`);
    await runScript(url, statements, 'db:sync');
  }
  mustEqual(await readCatalog(url, { excludeTables }), desired);

  await forgetRevisions(url, undone);
  // This checkout's files that sort before the shared version and that the database never ran: their changes were
  // made above, and Atlas would never run them now (it skips a file older than its last revision).
  await recordRevisions(url, root, recorded);
  if (recorded.length > 0) log(`db:sync: recorded as applied, its change made above: ${recorded.join(', ')}`);
  log(
    `db:sync: the database now has exactly this checkout's state after ${prefix.at(-1) ?? 'no migration'}; revisions of ${undone.join(', ')} removed`,
  );
  const result = await applyMigrations(url, { dev: devUrl, root, log });
  log(
    `db:sync: applied ${result.applied.length} of this checkout's migration(s)${result.applied.length ? `: ${result.applied.join(', ')}` : ''}`,
  );
  return { undone, statements, recorded, applied: result.applied };
}

/**
 * The SQL from the live database to `desiredSchema`, by db:diff's own path,
 * in a scratch project whose only migration is the live database declared
 * (proven to give exactly the live catalog first). Empty when nothing differs.
 */
async function changeFromLive(root: string, url: string, devUrl: string, excludeTables: string[], desiredSchema: string): Promise<string> {
  const live = await readCatalog(url, { excludeTables });
  const copy = await projectCopy(root, [], desiredSchema);
  try {
    writeFileSync(path.join(copy.root, projectFiles.migrations, '1_live.sql'), await declareSchema(url, excludeTables));
    await hashMigrations(copy.root);
    const differences = compareCatalogs(live, await catalogOfMigrations(devUrl, copy.root));
    if (differences.length > 0) {
      throw new CommandError(
        [
          `db:sync: the local database cannot be described exactly (${differences.length} object(s)), so no change to it can be proven; nothing was changed.`,
          ...differences.flatMap((d) => describeDifference(d, ['database', 'as declared']).map((line) => `  ${line}`)),
          'npm run db:reset starts the local database over (its rows are lost).',
        ].join('\n'),
      );
    }
    const file = await diffMigration({
      root: copy.root,
      devUrl,
      name: 'sync',
      atlasFlags: targetFlags({ migrate: devUrl, dev: devUrl }),
      echo: false,
    });
    return file ? readFileSync(path.join(copy.root, projectFiles.migrations, file), 'utf8') : '';
  } finally {
    copy.dispose();
  }
}

function mustEqual(live: Catalog, desired: Catalog): void {
  const differences = compareCatalogs(live, desired);
  if (differences.length === 0) return;
  throw new CommandError(
    [
      `db:sync: after the change the database still differs from this checkout's state in ${differences.length} object(s); its revisions were left as they were.`,
      ...differences.flatMap((d) => describeDifference(d, ['database', 'checkout'])).map((line) => `  ${line}`),
    ].join('\n'),
  );
}
