import { CommandError } from '../errors/user-error.ts';
import { migrationStatus } from '../migrate/status.ts';
import { repoRoot } from '../project/paths.mjs';
import { commandTargets, projectConfig } from './context.ts';

/**
 * `npm run db:status`: which migrations the database has and which are
 * pending, and (src/migrate/status.ts) files Atlas would skip, versions it
 * applied that migrations/ lacks, a migration that stopped part way. Exits 1
 * when any of those is found.
 */
export default async function dbStatus(): Promise<void> {
  const targets = await commandTargets();
  const { problems } = await migrationStatus({
    root: repoRoot,
    url: targets.migrate,
    dev: targets.dev,
    excludeTables: projectConfig().SCHEMA_EXCLUDE,
    echo: true,
  });
  if (problems.length === 0) return;
  console.log('');
  for (const line of problems) console.log(line);
  throw new CommandError('db:status: this database is not where its migrations say (see above); nothing was changed.');
}
