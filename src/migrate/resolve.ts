import { compareCatalogs, describeDifference, type Difference } from '../catalog/compare.ts';
import { withoutPopulatedness } from '../catalog/populated.ts';
import { readCatalog } from '../catalog/read.ts';
import { catalogOfFiles } from '../catalog/state-of-files.ts';
import { migrationNames, versionOf } from '../project/migration-files.ts';
import { atlas, failureDetail } from '../atlas/run.ts';
import { CommandError } from '../errors/user-error.ts';
import { targetFlags } from '../atlas/flags.ts';
import { withClient } from '../postgres/client.ts';
import { compareTarget, describeSkipped, describeUnknown } from './out-of-order.ts';
import { revisionsSchema } from '../project/revisions-schema.ts';

export type Resolution = 'applied' | 'rolled-back';

export interface ResolveOptions {
  root: string;
  /** The target (on Neon: the direct URL). */
  url: string;
  /** The scratch database the states before and after the file are replayed on. */
  dev: string;
  version: string;
  as: Resolution;
  excludeTables?: string[];
  /** Compare only; record nothing. */
  dryRun?: boolean;
}

/**
 * `db:resolve`: records in Atlas's revisions that the user fixed a failed or
 * partial migration by hand, either finished (`applied`: the database now
 * equals the state after the file) or undone (`rolled-back`: it equals the
 * state before it). It refuses, recording nothing, unless Postgres' catalogs
 * of the live database equal that state, and names each difference: a
 * revision that claims a state the database is not in is a wrong green for
 * every later check. Only the last migration a database ran (or the first
 * pending one) can be resolved, and not while a file is skipped or a
 * revision unknown: Atlas's `migrate set` marks every file up to a version.
 * Returns what it did, for people.
 */
export async function resolveMigration(options: ResolveOptions): Promise<string[]> {
  const { root, url, dev, version } = options;
  const files = migrationNames(root);
  const file = files.find((name) => versionOf(name) === version);
  if (!file)
    throw new CommandError(
      `migrations/ has no file of version ${version}: give the version of the migration to resolve (npm run db:status names it).`,
      2,
    );
  const comparison = await compareTarget(root, url);
  if (comparison.skipped.length)
    throw new CommandError(
      [
        'refusing to resolve: first put the skipped files in order.',
        ...describeSkipped(comparison.skipped, comparison.lastApplied ?? ''),
      ].join('\n'),
    );
  if (comparison.unknown.length) throw new CommandError(['refusing to resolve:', ...describeUnknown(comparison.unknown)].join('\n'));
  const revision = comparison.lastApplied === version ? (comparison.partial ?? { version }) : null;
  const firstPending = comparison.pending[0] === file;
  if (!revision && !firstPending) {
    throw new CommandError(
      `refusing to resolve ${file}: db:resolve records the last migration the database ran, or the first pending one` +
        ` (this database is at ${comparison.lastApplied ?? 'no migration'}${comparison.pending[0] ? `; first pending: ${comparison.pending[0]}` : ''}).`,
      2,
    );
  }
  if (!revision && options.as === 'rolled-back') {
    return [`${file}: the database has no revision of it; nothing to record (npm run db:status shows it pending).`];
  }

  const before = files.filter((name) => versionOf(name) < version);
  const wanted = options.as === 'applied' ? [...before, file] : before;
  const state = options.as === 'applied' ? `after ${file}` : `before ${file}`;
  const differences: Difference[] = compareCatalogs(
    withoutPopulatedness(await catalogOfFiles(dev, root, wanted)),
    withoutPopulatedness(await readCatalog(url, { excludeTables: options.excludeTables ?? [] })), // REFRESH is not schema
  );
  if (differences.length) {
    throw new CommandError(
      [
        `refusing to record ${file} as ${options.as}: the live database is not in the state ${state} ` +
          `(${differences.length} object(s) differ in Postgres' catalogs); nothing was recorded.`,
        ...differences.flatMap((d) => describeDifference(d, [`state ${state}`, 'live database']).map((line) => `  ${line}`)),
        options.as === 'applied'
          ? `Finish what the file does by hand (or undo what ran and use --rolled-back), then run db:resolve again.`
          : `Undo what ran of the file by hand (or finish it and use --applied), then run db:resolve again.`,
      ].join('\n'),
    );
  }
  const checked = `the live database equals the state ${state} (Postgres' catalogs)`;
  if (options.dryRun) return [`${checked}; dry run: nothing recorded.`];

  const previous = comparison.expected.filter((name) => versionOf(name) < version).at(-1);
  // `migrate set <v>` marks every file up to <v> applied and removes later revisions;
  // setting a partial revision's own version keeps it partial, so it is removed first.
  if (revision) {
    if (previous) await migrateSet(root, url, dev, versionOf(previous));
    else await deleteRevision(root, url, version);
  }
  if (options.as === 'applied') await migrateSet(root, url, dev, version);
  return [`${checked}; recorded ${file} as ${options.as} in Atlas's revisions.`];
}

async function migrateSet(root: string, url: string, dev: string, version: string): Promise<void> {
  const run = await atlas(['migrate', 'set', version, ...targetFlags({ migrate: url, dev })], { echo: false, cwd: root });
  if (run.code !== 0) {
    throw new CommandError(`atlas migrate set ${version} failed (exit ${run.code})${failureDetail(run, false)}`, run.code);
  }
}

/** The first migration rolled back: no earlier version to `migrate set` to, so its revision row goes. */
async function deleteRevision(root: string, url: string, version: string): Promise<void> {
  const schema = revisionsSchema(root);
  await withClient(url, (client) =>
    client.query(`DELETE FROM ${client.escapeIdentifier(schema)}.atlas_schema_revisions WHERE version = $1`, [version]),
  );
}
