import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { embeddedUrl, ensureDatabases, startEmbedded, stopEmbedded, type EmbeddedCluster } from '../../src/postgres/embedded.ts';
import { applyMigrations } from '../../src/migrate/apply.ts';
import type { EmbeddedMajor } from '../../src/config/embedded-majors.ts';
import { freePort } from './free-port.ts';
import { reapWhenGone } from './reaper.ts';

/**
 * A Postgres cluster of one test file's own (src/postgres/embedded.ts, in a temp
 * dir, on a free 127.0.0.1 port), for tests that do what the shared cluster
 * must not suffer: restart it, or run it with other server settings (TLS
 * only). Its password is random, so a test can assert it never leaks into
 * an error message. `dispose()` stops it and deletes the temp dir; call it
 * in afterAll.
 */
export interface OwnCluster {
  /** The temp dir (mode 755, so the `postgres` user can read files in it). */
  dir: string;
  cluster: EmbeddedCluster;
  start(): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

export async function ownCluster({
  settings,
  major,
  password = `pw-${randomBytes(9).toString('hex')}`,
}: { settings?: (dir: string) => Record<string, string>; major?: EmbeddedMajor; password?: string } = {}): Promise<OwnCluster> {
  const dir = mkdtempSync(path.join(process.env.BOOKSHELF_TEST_TMPDIR ?? tmpdir(), 'bookshelf-cluster-'));
  chmodSync(dir, 0o755);
  reapWhenGone(path.join(dir, 'pg'), dir);
  const cluster: EmbeddedCluster = {
    dataDir: path.join(dir, 'pg'),
    port: await freePort(),
    user: 'bookshelf',
    password,
    ...(settings ? { settings: settings(dir) } : {}),
    ...(major ? { major } : {}),
  };
  return {
    dir,
    cluster,
    start: () => startEmbedded(cluster),
    stop: async () => {
      await stopEmbedded(cluster);
    },
    dispose: async () => {
      try {
        await stopEmbedded(cluster);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export type MigratedCluster = OwnCluster & { url: string };

/** An own cluster, started, whose database `bookshelf` (at `url`) has the migrations applied by Atlas. */
export async function ownMigratedCluster(options: { major?: EmbeddedMajor; password?: string } = {}): Promise<MigratedCluster> {
  const own = await ownCluster(options);
  try {
    await own.start();
    await ensureDatabases(own.cluster, ['bookshelf', 'bookshelf_dev']);
    const url = embeddedUrl(own.cluster, 'bookshelf');
    await applyMigrations(url, { dev: embeddedUrl(own.cluster, 'bookshelf_dev') });
    return { ...own, url };
  } catch (error) {
    await own.dispose();
    throw error;
  }
}
