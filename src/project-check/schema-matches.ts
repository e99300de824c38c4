import { compareCatalogs, describeDifference } from '../catalog/compare.ts';
import { withSchemaLoaded } from '../catalog/declared-database.ts';
import { catalogOfSchemaFile } from '../catalog/states.ts';
import { atlas, failureLine } from '../atlas/run.ts';
import { onEmptyScratchDatabase } from '../postgres/scratch.ts';
import { atlasUrl } from '../atlas/flags.ts';
import { UncomparedObjectsError } from '../catalog/uncompared.ts';
import type { Catalog } from '../catalog/object.ts';
import type { Replay } from './replay.ts';
import { fail, pass, type CheckResult } from './result.ts';

const name = 'migrations give schema.sql';
const synced = 'Schemas are synced, no changes to be made.';

/**
 * (b) Replaying migrations/ on the dev database gives exactly schema.sql,
 * in Postgres' own catalogs of both states (src/catalog: every object,
 * including the views, functions, triggers, partitions, domains,
 * extensions, policies and comments Atlas does not see). When they differ,
 * Atlas's own diff is run too, to print the SQL still missing for the kinds
 * it knows (tables, columns, indexes, constraints, enums); when they agree,
 * Atlas would find nothing either, and its slower diff is not run.
 * `workingRoot` is a re-hashed copy (see working-copy.ts).
 */
export async function checkSchemaMatches(workingRoot: string, devUrl: string, replay: Replay): Promise<CheckResult> {
  if (replay.failure || !replay.catalog) return fail(name, `cannot compare: the migrations do not replay (${replay.failure})`);
  // Fail closed: what the catalog does not read, on either side, cannot be said to match (src/catalog/census.ts).
  let declared: Catalog;
  try {
    declared = await catalogOfSchemaFile(devUrl, workingRoot);
  } catch (error) {
    if (error instanceof UncomparedObjectsError) return fail(name, error.summary, error.details);
    throw error;
  }
  if (replay.uncompared) return fail(name, replay.uncompared.summary, replay.uncompared.details);
  const differences = compareCatalogs(replay.catalog, declared);
  if (differences.length === 0) {
    return pass(name, `replaying migrations/ gives exactly schema.sql (${declared.size} objects compared in Postgres' catalogs)`);
  }
  // schema.sql from a database of its own (src/catalog/declared-database.ts): in the dev database, what
  // Atlas leaves between loading it and replaying migrations/ would make the second load fail.
  const diff = await onEmptyScratchDatabase(devUrl, () =>
    withSchemaLoaded(devUrl, workingRoot, (declaredUrl) =>
      atlas(['schema', 'diff', '--from', 'file://migrations', '--to', atlasUrl(declaredUrl), '--dev-url', atlasUrl(devUrl)], {
        echo: false,
        cwd: workingRoot,
      }),
    ),
  );
  if (diff.code !== 0) {
    return fail(name, `atlas schema diff failed: ${failureLine(diff)}`, [diff.stderr.trim()]);
  }
  const missing = diff.stdout.trim() === synced ? [] : diff.stdout.trim().split('\n');
  return fail(name, 'schema.sql has changes that no migration makes: run npm run db:diff -- <name>', [
    ...(missing.length ? ['The migration still missing (Atlas):', ...missing.map((line) => `  ${line}`)] : []),
    ...(differences.length
      ? [
          `${differences.length} object(s) differ between replaying migrations/ and loading schema.sql (Postgres' catalogs):`,
          ...differences.flatMap((difference) => describeDifference(difference, ['migrations', 'schema.sql']).map((line) => `  ${line}`)),
        ]
      : []),
  ]);
}
