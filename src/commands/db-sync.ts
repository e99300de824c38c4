import { repoRoot } from '../project/paths.mjs';
import { redactSecrets } from '../config/redact.ts';
import { commandTargets, projectConfig } from './context.ts';
import { syncDatabase } from '../migrate/sync.ts';
import { CommandError } from '../errors/user-error.ts';
import { requireDev } from '../atlas/flags.ts';

/**
 * `npm run db:sync`: brings the LOCAL embedded database to this checkout's
 * migrations after a branch switch, keeping its rows (src/migrate/sync.ts).
 * Never another database: with DATABASE_URL set it refuses, as db:reset does.
 */
export default async function dbSync(args: string[]): Promise<void> {
  if (args.length > 0)
    throw new CommandError('Usage: npm run db:sync   (no arguments: the local embedded database follows this checkout)', 2);
  const config = projectConfig();
  if (config.DATABASE_URL) {
    throw new CommandError(
      `DATABASE_URL is set (${redactSecrets(config.DATABASE_URL)}): db:sync only changes the local embedded database, never another one.\n` +
        'A shared database follows migrations/ through npm run db:apply (and db:revert for a change to undo). ' +
        'For the local one, unset DATABASE_URL (in the environment and in .env) and run it again.',
      2,
    );
  }
  const targets = await commandTargets((line) => console.log(line), config);
  if (!targets.embedded) throw new CommandError('db:sync works only on the local embedded database.', 2);
  const synced = await syncDatabase({
    root: repoRoot,
    url: targets.migrate,
    devUrl: requireDev(targets),
    excludeTables: config.SCHEMA_EXCLUDE,
    log: (line) => console.log(line),
  });
  console.log(
    `db:sync: done (${synced.undone.length} other-branch migration(s) undone, ${synced.applied.length} of this checkout's applied). ` +
      'Run npm run db:types if the zapatos types are not this checkout’s.',
  );
}
