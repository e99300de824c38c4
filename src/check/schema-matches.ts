import { compareCatalogs, describeDifference } from '../catalog/compare.ts';
import { withSchemaLoaded } from '../catalog/declared-database.ts';
import { catalogOfMigrations, catalogOfSchemaFile } from '../catalog/states.ts';
import { atlas, failureLine } from '../commands/atlas.ts';
import { resetScratchDatabase } from '../db/scratch.ts';
import { atlasUrl } from '../db/targets.ts';
import { fail, pass, type CheckResult } from './result.ts';

const name = 'migrations give schema.sql';
const synced = 'Schemas are synced, no changes to be made.';

/**
 * (b) Replaying migrations/ on the dev database gives exactly schema.sql.
 * Two comparisons, both must agree: Atlas's (it prints the SQL still
 * missing, for the kinds it diffs: tables, columns, indexes, constraints,
 * enums), and Postgres' own catalogs of both states (src/catalog: every
 * object, including the views, functions, triggers, partitions, domains,
 * extensions, policies and comments Atlas does not see).
 * `workingRoot` is a re-hashed copy (see working-copy.ts).
 */
export async function checkSchemaMatches(workingRoot: string, devUrl: string): Promise<CheckResult> {
  await resetScratchDatabase(devUrl);
  // schema.sql from a database of its own: see src/catalog/declared-database.ts.
  const diff = await withSchemaLoaded(devUrl, workingRoot, (declaredUrl) =>
    atlas(['schema', 'diff', '--from', 'file://migrations', '--to', atlasUrl(declaredUrl), '--dev-url', atlasUrl(devUrl)], {
      echo: false,
      cwd: workingRoot,
    }),
  );
  if (diff.code !== 0) {
    await resetScratchDatabase(devUrl);
    return fail(name, `atlas schema diff failed: ${failureLine(diff)}`, [diff.stderr.trim()]);
  }
  const missing = diff.stdout.trim() === synced ? [] : diff.stdout.trim().split('\n');
  const replayed = await catalogOfMigrations(devUrl, workingRoot);
  const declared = await catalogOfSchemaFile(devUrl, workingRoot);
  const differences = compareCatalogs(replayed, declared);
  if (missing.length === 0 && differences.length === 0) {
    return pass(name, `replaying migrations/ gives exactly schema.sql (${declared.size} objects compared in Postgres' catalogs)`);
  }
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
