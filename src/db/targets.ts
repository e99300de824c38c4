import path from 'node:path';
import { repoRoot } from '../atlas/locate.mjs';
import { env, type Env } from '../config/env.ts';
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

export function embeddedCluster(config: Env = env()): EmbeddedCluster {
  return {
    dataDir: path.resolve(repoRoot, config.EMBEDDED_PG_DIR),
    port: config.EMBEDDED_PG_PORT,
    major: config.EMBEDDED_PG_VERSION,
    ...embeddedCredentials,
  };
}

/** Resolves the targets; without DATABASE_URL, starts the embedded Postgres first. */
export async function resolveTargets(log: (line: string) => void = () => {}, config: Env = env()): Promise<Targets> {
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

/**
 * The URL form Atlas wants: scoped to the `public` schema, so migrations hold
 * unqualified SQL and the revisions table lives beside the app's tables;
 * without libpq options that Atlas's driver does not know.
 */
export function atlasUrl(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('search_path')) parsed.searchParams.set('search_path', 'public');
  // Neon's connection strings end in `channel_binding=require`; Atlas's
  // driver (lib/pq) knows no such option and sends it to the server as a
  // setting, which fails: "unrecognized configuration parameter".
  parsed.searchParams.delete('channel_binding');
  // libpq 16's `sslrootcert=system` (the OS's CAs) is a file name to lib/pq
  // ("open system: no such file"); without it, lib/pq's verify-full uses the
  // OS's CAs anyway.
  if (parsed.searchParams.get('sslrootcert') === 'system') parsed.searchParams.delete('sslrootcert');
  return parsed.toString();
}
