import path from 'node:path';
import { repoRoot } from '../project/paths.mjs';
import type { Env } from '../config/env.ts';
import { embeddedCredentials, embeddedUrl, ensureDatabases, startEmbedded, type EmbeddedCluster } from './embedded.ts';

/**
 * Where each kind of work happens:
 * - `app`: the service's queries (on Neon: the pooled endpoint);
 * - `migrate`: `atlas migrate apply|status` (on Neon: the direct endpoint);
 * - `dev`: Atlas's empty scratch database (on Neon: a branch), which Atlas
 *   and `db:types` wipe freely. Never point it at data you keep.
 */
export interface Targets {
  app: string;
  migrate: string;
  dev: string | undefined;
  embedded: boolean;
}

export const databaseNames = { app: 'bookshelf', dev: 'bookshelf_dev' } as const;

export function embeddedCluster(config: Env): EmbeddedCluster {
  return {
    dataDir: path.resolve(repoRoot, config.EMBEDDED_PG_DIR),
    port: config.EMBEDDED_PG_PORT,
    major: config.EMBEDDED_PG_VERSION,
    ...embeddedCredentials,
  };
}

/** Resolves the targets; without DATABASE_URL, starts the embedded Postgres first. */
export async function resolveTargets(log: (line: string) => void, config: Env): Promise<Targets> {
  if (config.DATABASE_URL) {
    return {
      app: config.DATABASE_URL,
      migrate: config.DIRECT_DATABASE_URL ?? config.DATABASE_URL,
      dev: config.ATLAS_DEV_URL,
      embedded: false,
    };
  }
  const cluster = embeddedCluster(config);
  await startEmbedded(cluster, log);
  await ensureDatabases(cluster, [databaseNames.app, databaseNames.dev]);
  const app = embeddedUrl(cluster, databaseNames.app);
  return { app, migrate: app, dev: config.ATLAS_DEV_URL ?? embeddedUrl(cluster, databaseNames.dev), embedded: true };
}
