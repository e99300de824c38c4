import { atlas, failureLine } from '../commands/atlas.ts';
import { atlasUrl } from '../db/targets.ts';
import { fail, pass, type CheckResult } from './result.ts';

const name = 'migrations give schema.sql';
const synced = 'Schemas are synced, no changes to be made.';

/**
 * (b) Replaying migrations/ on the dev database gives exactly schema.sql:
 * Atlas prints the SQL still missing from the migrations, if any.
 * `workingRoot` is a re-hashed copy (see working-copy.ts).
 */
export async function checkSchemaMatches(workingRoot: string, devUrl: string): Promise<CheckResult> {
  const diff = await atlas(
    ['schema', 'diff', '--from', 'file://migrations', '--to', 'file://schema.sql', '--dev-url', atlasUrl(devUrl)],
    { echo: false, cwd: workingRoot },
  );
  const output = diff.stdout.trim();
  if (diff.code !== 0) {
    return fail(name, `atlas schema diff failed: ${failureLine(diff)}`, [diff.stderr.trim()]);
  }
  if (output === synced) return pass(name, 'replaying migrations/ gives exactly schema.sql');
  return fail(name, 'schema.sql has changes that no migration makes: run npm run db:diff -- <name>', [
    'The migration still missing:',
    ...output.split('\n').map((line) => `  ${line}`),
  ]);
}
