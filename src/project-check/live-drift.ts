import path from 'node:path';
import { compareCatalogs, describeDifference } from '../catalog/compare.ts';
import { withProjectOfFiles } from '../catalog/files-project.ts';
import { readCatalog } from '../catalog/read.ts';
import { UncomparedObjectsError } from '../catalog/uncompared.ts';
import { withoutPopulatedness } from '../catalog/populated.ts';
import { catalogOfFiles } from '../catalog/state-of-files.ts';
import { atlas, failureLine } from '../atlas/run.ts';
import { atlasUrl } from '../atlas/flags.ts';
import { redactSecrets } from '../config/redact.ts';
import { CommandError } from '../errors/user-error.ts';
import { resetScratchDatabase } from '../postgres/scratch.ts';
import { compareTarget, describeSkipped, describeUnknown, type RevisionsComparison } from '../migrate/out-of-order.ts';
import { fail, pass, type CheckResult } from './result.ts';
import { projectFiles } from '../project/paths.mjs';

const name = 'live database';

/**
 * (e) The live database against every migration file it should have run:
 * each file up to the last version it applied, including a file it skipped
 * (an older version that arrived by a merge: Atlas never runs it), so the
 * skipped file's change shows as drift too. Skipped files, versions it
 * applied that migrations/ lacks, and a file that failed part way are
 * failures named by file; any other schema difference was made by hand
 * (drift). Pending migrations are reported, not failed: applying them is
 * the deploy's job (npm run db:apply).
 */
export async function checkLiveDrift(
  workingRoot: string,
  devUrl: string,
  liveUrl: string,
  excludeTables: string[] = [],
): Promise<CheckResult> {
  let revisions: RevisionsComparison;
  try {
    revisions = await compareTarget(workingRoot, liveUrl);
  } catch (error) {
    if (error instanceof CommandError) return fail(name, error.message);
    return fail(name, `cannot read the live database's revisions: ${redactSecrets((error as Error).message)}`);
  }
  const { expected, skipped, unknown, partial, lastApplied } = revisions;
  const pendingNote = revisions.pending.length
    ? `${revisions.pending.length} pending: ${revisions.pending.join(', ')} (npm run db:apply)`
    : 'no pending migrations';
  const problems = [
    ...(skipped.length ? describeSkipped(skipped, lastApplied ?? '') : []),
    ...(unknown.length ? describeUnknown(unknown) : []),
    ...(partial
      ? [
          `migration ${partial.version} stopped part way (${partial.applied} of ${partial.total} statement(s) ran: ${partial.error || 'no error recorded'}); ` +
            'npm run db:status shows what the database has, npm run db:resolve records a manual fix.',
        ]
      : []),
  ];

  await resetScratchDatabase(devUrl);
  const atlasDrift = await withProjectOfFiles(workingRoot, expected, async (project) => {
    // None expected: the target against an empty schema.
    const from = expected.length ? `file://${path.join(project, projectFiles.migrations)}` : atlasUrl(devUrl);
    const exclude = excludeTables.flatMap((table) => ['--exclude', table]);
    const diff = await atlas(['schema', 'diff', '--from', from, '--to', atlasUrl(liveUrl), '--dev-url', atlasUrl(devUrl), ...exclude], {
      echo: false,
    });
    if (diff.code !== 0) return new Error(`atlas schema diff failed: ${failureLine(diff)}`);
    const sql = diff.stdout.trim();
    return sql === 'Schemas are synced, no changes to be made.' ? [] : sql.split('\n');
  });
  if (atlasDrift instanceof Error) return fail(name, atlasDrift.message);
  // Everything else (views, functions, triggers, partitions, ...): Postgres' catalogs of both.
  let differences;
  try {
    // The live database first: objects there that the catalog does not compare make "no drift" unsayable.
    const live = await readCatalog(liveUrl, { excludeTables, uncompared: { source: 'the live database' } });
    const shouldHave = await catalogOfFiles(devUrl, workingRoot, expected);
    differences = compareCatalogs(withoutPopulatedness(shouldHave), withoutPopulatedness(live)); // REFRESH in production is not drift
  } catch (error) {
    if (error instanceof UncomparedObjectsError) {
      return fail(name, `cannot tell drift: ${error.summary}`, [...problems, ...error.details, pendingNote]);
    }
    throw error;
  }
  const at = lastApplied ? `at ${lastApplied}` : 'no migration applied';
  if (problems.length === 0 && atlasDrift.length === 0 && differences.length === 0) return pass(name, `no drift (${at}); ${pendingNote}`);
  const drift = atlasDrift.length > 0 || differences.length > 0;
  const explained = problems.length > 0;
  const migrations = explained ? 'the migrations it should have run' : 'the applied migrations';
  const reason = [
    skipped.length ? `${skipped.length} migration(s) never applied: ${skipped.join(', ')}` : '',
    unknown.length ? `applied migration(s) missing from migrations/: ${unknown.map((r) => r.version).join(', ')}` : '',
    partial ? `migration ${partial.version} failed part way` : '',
    drift
      ? explained
        ? `drift: the live database (${at}) differs from the ${expected.length} migration(s) it should have run`
        : `drift: the live database (${at}) was changed outside migrations/`
      : '',
  ].filter(Boolean);
  return fail(name, reason.join('; '), [
    ...problems,
    ...(atlasDrift.length
      ? [
          explained
            ? `What turns ${migrations}' schema into the live database's (Atlas's schema diff):`
            : 'Changes found in the live database that no applied migration made:',
          ...atlasDrift.map((line) => `  ${line}`),
        ]
      : []),
    ...(differences.length
      ? [
          `${differences.length} object(s) differ between ${migrations} and the live database (Postgres' catalogs):`,
          ...differences.flatMap((d) => describeDifference(d, ['migrations', 'live database']).map((line) => `  ${line}`)),
        ]
      : []),
    ...(drift
      ? [
          explained
            ? 'Part or all of the differences come from the migration(s) named above; fix those first, then run db:check again.'
            : 'Put them in schema.sql and a migration (npm run db:diff -- <name>), or undo them by hand.',
        ]
      : []),
    pendingNote,
  ]);
}
