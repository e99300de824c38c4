import { parseArgs } from 'node:util';
import { requireDev } from '../atlas/flags.ts';
import { CommandError } from '../errors/user-error.ts';
import { resolveMigration, type Resolution } from '../migrate/resolve.ts';
import { repoRoot } from '../project/paths.mjs';
import { commandTargets, projectConfig } from './context.ts';
import { npmTookDryRun } from './npm-dry-run.ts';

const usage =
  'Usage: npm run db:resolve -- <version> --applied | --rolled-back [--dry-run]\n' +
  '  --applied      you finished the migration by hand: the database equals the state after the file\n' +
  '  --rolled-back  you undid what ran of it: the database equals the state before the file\n' +
  'npm run db:status shows the failed migration, what ran of it, and how the database compares with both states.';

/**
 * `npm run db:resolve -- <version> --applied | --rolled-back`: after a
 * migration failed part way and was fixed by hand, records the fix in
 * Atlas's revisions (`atlas migrate set`), only when the live database's
 * catalog equals the state the flag claims (src/migrate/resolve.ts).
 */
export default async function dbResolve(args: string[] = []): Promise<void> {
  const { version, as, dryRun } = parseFlags(args);
  const targets = await commandTargets();
  if (dryRun && npmTookDryRun())
    console.log('db:resolve: npm took --dry-run as its own flag (npm_config_dry_run=true): comparing only, recording nothing.');
  const lines = await resolveMigration({
    root: repoRoot,
    url: targets.migrate,
    dev: requireDev(targets, 'db:resolve replays migrations/ there to build the states before and after the file'),
    version,
    as,
    dryRun,
    excludeTables: projectConfig().SCHEMA_EXCLUDE,
  });
  for (const line of lines) console.log(`db:resolve: ${line}`);
}

function parseFlags(args: string[]): {
  version: string;
  as: Resolution;
  dryRun: boolean;
} {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        applied: { type: 'boolean' },
        'rolled-back': { type: 'boolean' },
        'dry-run': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new CommandError(`${(error as Error).message}\n${usage}`, 2);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || !/^\d+$/.test(positionals[0]!)) {
    throw new CommandError(
      `db:resolve needs one migration version (digits, e.g. 20261204210000)${positionals.length ? `, not ${positionals.join(' ')}` : ''}.\n${usage}`,
      2,
    );
  }
  if (Boolean(values.applied) === Boolean(values['rolled-back'])) {
    throw new CommandError(`db:resolve needs exactly one of --applied or --rolled-back.\n${usage}`, 2);
  }
  return {
    version: positionals[0]!,
    as: values.applied ? 'applied' : 'rolled-back',
    dryRun: Boolean(values['dry-run']) || npmTookDryRun(),
  };
}
