import { compareCatalogs, describeDifference, type Difference } from '../catalog/compare.ts';
import { withoutPopulatedness } from '../catalog/populated.ts';
import { readCatalog } from '../catalog/read.ts';
import { splitStatements } from '../project/sql-statements.ts';
import { catalogOfFiles } from '../catalog/state-of-files.ts';
import { migrationFiles, versionOf } from '../project/migration-files.ts';
import { CommandError } from '../errors/user-error.ts';
import type { Revision } from './revisions.ts';

/**
 * A migration that stopped part way (a `-- atlas:txmode none` file whose
 * statement failed, so the ones before it stay; or a revision someone
 * edited): which of its statements ran, and what the target has now,
 * compared in Postgres' catalogs with the state before the file and the
 * state after it (each replayed on the scratch database).
 */
export interface PartialMigration {
  revision: Revision;
  /** migrations/<file>; undefined when migrations/ has no file of that version. */
  file: string | undefined;
  statements: { text: string; state: 'ran' | 'failed' | 'not run' }[];
  /** The live catalog against the state before the file, and after it: [] means equal. */
  fromBefore: Difference[];
  fromAfter: Difference[];
}

export async function inspectPartial(
  root: string,
  devUrl: string,
  liveUrl: string,
  revision: Revision,
  excludeTables: string[] = [],
): Promise<PartialMigration> {
  const files = migrationFiles(root);
  const file = files.find((candidate) => versionOf(candidate.name) === revision.version);
  if (!file)
    throw new CommandError(`migration ${revision.version} is in the database's revisions but migrations/ has no file of that version.`);
  const statements = splitStatements(file.text)
    .filter((statement) => !statement.metaCommand)
    .map((statement, index) => ({
      text: statement.text.trim(),
      state:
        index < revision.applied
          ? ('ran' as const)
          : index === revision.applied && revision.error
            ? ('failed' as const)
            : ('not run' as const),
    }));
  const before = files.filter((candidate) => versionOf(candidate.name) < revision.version).map((candidate) => candidate.name);
  const live = await readCatalog(liveUrl, { excludeTables });
  const beforeState = await catalogOfFiles(devUrl, root, before);
  const afterState = await catalogOfFiles(devUrl, root, [...before, file.name]);
  return {
    revision,
    file: file.name,
    statements,
    fromBefore: compareCatalogs(withoutPopulatedness(beforeState), withoutPopulatedness(live)),
    fromAfter: compareCatalogs(withoutPopulatedness(afterState), withoutPopulatedness(live)),
  };
}

/** The partial migration for people: the statements, the error, the comparison, and the ways out. */
export function describePartial(partial: PartialMigration): string[] {
  const { revision } = partial;
  const mark = {
    ran: '✓ ran    ',
    failed: '✗ failed ',
    'not run': '· not run',
  } as const;
  const labels: [string, string] = ['', 'live database'];
  const compared = (state: string, differences: Difference[]) =>
    differences.length === 0
      ? [`The live database equals the state ${state} it (Postgres' catalogs).`]
      : [
          `Against the state ${state} it, ${differences.length} object(s) differ:`,
          ...differences.flatMap((d) => describeDifference(d, [`${state} ${partial.file}`, labels[1]]).map((line) => `  ${line}`)),
        ];
  return [
    `migration ${partial.file} stopped part way: ${revision.applied} of ${revision.total} statement(s) ran.`,
    ...(revision.error ? [`  error: ${revision.error}`] : []),
    ...partial.statements.map((statement) => `  ${mark[statement.state]} ${statement.text.split('\n').join(' ')}`),
    ...compared('before', partial.fromBefore),
    ...compared('after', partial.fromAfter),
    'What to do: finish the file by hand (or fix the data and run `npm run db:apply`, which retries from the failed statement), ' +
      `then \`npm run db:resolve -- ${revision.version} --applied\`; or undo what ran, then \`npm run db:resolve -- ${revision.version} --rolled-back\`.`,
  ];
}
