import { atlasOrThrow } from '../atlas/run.ts';
import { targetFlags } from '../atlas/flags.ts';
import { compareTarget, describeSkipped, describeUnknown } from './out-of-order.ts';
import { describePartial, inspectPartial } from './partial-migration.ts';

export interface StatusOptions {
  /** The project whose migrations/ to compare. */
  root: string;
  /** The target (on Neon: the direct URL). */
  url: string;
  /** The scratch database the states before/after a partial migration are built on; without it they are not compared. */
  dev: string | undefined;
  excludeTables?: string[];
  /** Echo Atlas's command and output (the CLI); the tests read `atlas` instead. */
  echo?: boolean;
}

/**
 * What `db:status` says: Atlas's `migrate status`, then what Atlas does not
 * say: files it will never run (older than the last applied version),
 * versions applied that migrations/ lacks, and a migration that stopped
 * part way, compared with the states before and after it. The revisions are
 * read first, so a role that cannot read them is told so (RevisionsUnreadable)
 * where Atlas would say "No migration applied yet".
 */
export async function migrationStatus(options: StatusOptions): Promise<{ atlas: string; problems: string[] }> {
  const comparison = await compareTarget(options.root, options.url);
  const run = await atlasOrThrow(['migrate', 'status', ...targetFlags({ migrate: options.url, dev: options.dev })], {
    echo: options.echo ?? false,
    cwd: options.root,
  });
  const problems: string[] = [];
  if (comparison.skipped.length) problems.push(...describeSkipped(comparison.skipped, comparison.lastApplied ?? ''));
  if (comparison.unknown.length) problems.push(...describeUnknown(comparison.unknown));
  if (comparison.partial) {
    if (options.dev) {
      problems.push(
        ...describePartial(await inspectPartial(options.root, options.dev, options.url, comparison.partial, options.excludeTables)),
      );
    } else {
      const { version, applied, total, error } = comparison.partial;
      problems.push(
        `migration ${version} stopped part way: ${applied} of ${total} statement(s) ran (${error}). ` +
          'Set ATLAS_DEV_URL to compare the database with the states before and after it.',
      );
    }
  }
  return { atlas: run.stdout, problems };
}
