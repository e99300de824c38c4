import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { projectConfig } from './context.ts';
import { redactSecrets } from '../config/redact.ts';
import { stopEmbedded } from '../postgres/embedded.ts';
import { applyMigrations } from '../migrate/apply.ts';
import { seedIfEmpty } from '../db/seed.ts';
import { createPool } from '../db/pool.ts';
import { embeddedCluster } from '../postgres/targets.ts';
import { commandTargets } from './context.ts';
import { CommandError } from '../errors/user-error.ts';

/**
 * `npm run db:reset`: throws the LOCAL embedded database away and starts
 * over as a first `npm start` would (create, start, migrate, seed), without
 * serving. Only ever the embedded cluster: with DATABASE_URL set it refuses,
 * and it deletes EMBEDDED_PG_DIR only when that directory is a Postgres
 * cluster (a mistyped EMBEDDED_PG_DIR must not cost someone their files).
 */
export default async function dbReset(): Promise<void> {
  const config = projectConfig();
  if (config.DATABASE_URL) {
    throw new CommandError(
      `DATABASE_URL is set (${redactSecrets(config.DATABASE_URL)}): db:reset only wipes the local embedded database, never another one.\n` +
        'To reset the local one, unset DATABASE_URL (in the environment and in .env) and run it again.',
      2,
    );
  }
  const cluster = embeddedCluster(config);
  const { dataDir } = cluster;
  if (!isClusterOrNothing(dataDir)) {
    throw new CommandError(
      `EMBEDDED_PG_DIR is ${dataDir}, which is not a Postgres cluster (no PG_VERSION in it): not deleting it.\n` +
        'Point EMBEDDED_PG_DIR at the local database’s directory (default .pgdata).',
      2,
    );
  }

  if (await stopEmbedded(cluster)) console.log(`stopped the local Postgres (port ${cluster.port})`);
  if (existsSync(dataDir)) {
    rmSync(dataDir, { recursive: true, force: true });
    console.log(`deleted ${dataDir}: the local database cluster, with all its data`);
  } else {
    console.log(`nothing to delete: ${dataDir} does not exist`);
  }

  const targets = await commandTargets(undefined, config);
  await applyMigrations(targets.migrate, { dev: targets.dev, echo: true, log: (line) => console.log(line) });
  const pool = createPool({ url: targets.app, size: 1 });
  try {
    if (await seedIfEmpty(pool)) console.log('seeded the guide’s authors and books');
  } finally {
    await pool.dispose();
  }
  console.log('The local database is new: migrated and seeded. `npm start` serves it; `npm run db:stop` stops it.');
}

/** True for a Postgres data directory, an empty directory, or nothing at all. */
function isClusterOrNothing(dir: string): boolean {
  if (!existsSync(dir)) return true;
  if (!statSync(dir).isDirectory()) return false;
  return existsSync(path.join(dir, 'PG_VERSION')) || readdirSync(dir).length === 0;
}
