import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { embeddedCredentials, embeddedUrl, startEmbedded, stopEmbedded, type EmbeddedCluster } from '../../src/postgres/embedded.ts';
import { applyMigrations } from '../../src/migrate/apply.ts';
import { adminQuery, TEMPLATE_DB, withDatabase } from './postgres.ts';
import { reapWhenGone } from './reaper.ts';

/**
 * One Postgres for the whole run: TEST_DATABASE_URL (a server we may create
 * databases on) or a fresh embedded cluster on a free port. Migrations are
 * applied once, by the real Atlas, into a template every test file clones.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export default async function setup(project: TestProject) {
  let cluster: EmbeddedCluster | undefined;
  let adminUrl = process.env.TEST_DATABASE_URL;
  let dir: string | undefined;
  if (!adminUrl) {
    dir = mkdtempSync(path.join(process.env.BOOKSHELF_TEST_TMPDIR ?? tmpdir(), 'bookshelf-test-'));
    chmodSync(dir, 0o755);
    cluster = { dataDir: path.join(dir, 'pg'), port: await freePort(), ...embeddedCredentials };
    reapWhenGone(cluster.dataDir, dir); // an interrupted run (Ctrl-C, `| head`) runs no teardown
    await startEmbedded(cluster);
    adminUrl = embeddedUrl(cluster, 'postgres');
  }
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
  await adminQuery(adminUrl, `CREATE DATABASE ${TEMPLATE_DB}`);
  // The migration gate replays the pending (here: all) migrations in a scratch database first.
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${TEMPLATE_DB}_gate`);
  await adminQuery(adminUrl, `CREATE DATABASE ${TEMPLATE_DB}_gate`);
  await applyMigrations(withDatabase(adminUrl, TEMPLATE_DB), { dev: withDatabase(adminUrl, `${TEMPLATE_DB}_gate`) });
  project.provide('adminUrl', adminUrl);

  return async () => {
    if (cluster) await stopEmbedded(cluster);
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}
