import { migrationNames, versionOf } from '../project/migration-files.ts';
import { CommandError } from '../errors/user-error.ts';
import { isBaseline, isPartial, readRevisions, type Revision } from './revisions.ts';

/**
 * migrations/ against a target's revisions, file by file. Atlas v0.13.1
 * applies only files whose version sorts after the last one applied: a file
 * that arrives later with an older version (an ordinary merge of two
 * branches) is never run, and `migrate status` says "Already at latest
 * version". This is the comparison Atlas does not make.
 */
export interface RevisionsComparison {
  /** The newest version the target applied (null: none). */
  lastApplied: string | null;
  /** Files the target never applied although it applied a later version: Atlas will skip them, forever. */
  skipped: string[];
  /** Files after the last applied version: what `atlas migrate apply` will run. */
  pending: string[];
  /** Versions the target applied that migrations/ has no file for (another branch's, or a deleted file). */
  unknown: Revision[];
  /** Files the target should have run (every file up to the last applied version, skipped ones too). */
  expected: string[];
  /** The revision of a file that failed part way, if any. */
  partial: Revision | null;
}

/** Compares file names (migrations/*.sql) with the target's revisions. Versions compare as Atlas sorts them: as text. */
export function compareWithRevisions(fileNames: string[], revisions: Revision[]): RevisionsComparison {
  const files = [...fileNames].sort();
  const appliedVersions = new Set(revisions.map((revision) => revision.version));
  const versions = [...appliedVersions].sort();
  const lastApplied = versions.at(-1) ?? null;
  const baseline =
    revisions
      .filter(isBaseline)
      .map((revision) => revision.version)
      .sort()
      .at(-1) ?? null;
  const fileVersions = new Set(files.map(versionOf));
  const done = (name: string) => appliedVersions.has(versionOf(name)) || (baseline !== null && versionOf(name) <= baseline);
  const before = (name: string) => lastApplied !== null && versionOf(name) <= lastApplied;
  return {
    lastApplied,
    skipped: files.filter((name) => before(name) && !done(name)),
    pending: files.filter((name) => !before(name)),
    unknown: revisions.filter((revision) => !fileVersions.has(revision.version)),
    expected: files.filter(before),
    partial: revisions.find(isPartial) ?? null,
  };
}

/** What to do about files Atlas skips, one line a file, then the ways out. */
export function describeSkipped(skipped: string[], lastApplied: string): string[] {
  return [
    `${skipped.length} migration file(s) sort before ${lastApplied}, the last version this database applied, and were never applied to it; ` +
      'Atlas never runs such a file (it reports "Already at latest version"):',
    ...skipped.map((name) => `  migrations/${name}`),
    "Give each a version after the applied ones: `npm run db:rebase` (moves this branch's new migrations after the base branch's), " +
      'or by hand `git mv migrations/<old>.sql migrations/<new version>_<name>.sql` with a version later than ' +
      `${lastApplied}, then \`npx atlas migrate hash --env local\`; then \`npm run db:apply\`.`,
  ];
}

/** What to say about versions the target applied that migrations/ lacks. */
export function describeUnknown(unknown: Revision[]): string[] {
  return [
    `this database applied ${unknown.length} migration(s) that migrations/ does not have (another branch's, or a deleted file):`,
    ...unknown.map((revision) => `  ${revision.version}${revision.description ? ` (${revision.description})` : ''}`),
    'Merge the branch that has them (then `npm run db:rebase` if versions interleave), restore the file(s) ' +
      '(`git log --all -- "migrations/<version>_*"`), or on the local database `npm run db:reset`.',
  ];
}

/**
 * Refuses to apply while any file would be skipped: applying the later
 * files only would leave the database without the skipped file's change,
 * with every check green.
 */
class SkippedMigrations extends CommandError {
  constructor(readonly comparison: RevisionsComparison) {
    super(`refusing to apply: nothing was applied.\n${describeSkipped(comparison.skipped, comparison.lastApplied ?? '').join('\n')}`);
  }
}

/** migrations/ of `projectRoot` against the revisions of the database at `url`. */
export async function compareTarget(projectRoot: string, url: string): Promise<RevisionsComparison> {
  const revisions = await readRevisions(url, projectRoot);
  return compareWithRevisions(migrationNames(projectRoot), revisions);
}

/**
 * Throws (nothing applied) when applying to `url` now would skip a file;
 * also when the role cannot read the revisions (RevisionsUnreadable).
 * Versions applied that migrations/ lacks are applied-revisions.ts's to
 * refuse (with db:sync's advice), before this runs.
 */
export async function assertNothingSkipped(projectRoot: string, url: string): Promise<RevisionsComparison> {
  const comparison = await compareTarget(projectRoot, url);
  if (comparison.skipped.length > 0) throw new SkippedMigrations(comparison);
  return comparison;
}
