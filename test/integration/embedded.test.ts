import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import pg from 'pg';
import { embeddedUrl, ensureDatabases, startEmbedded, stopEmbedded } from '../../src/postgres/embedded.ts';
import { parseEnv } from '../../src/config/env.ts';
import { ownCluster } from '../support/cluster.ts';

const own = await ownCluster();
const { cluster } = own;
afterAll(() => own.dispose());

async function serverPid(): Promise<number> {
  const client = new pg.Client({ connectionString: embeddedUrl(cluster, 'postgres') });
  await client.connect();
  await client.end();
  return Number(readFileSync(path.join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

it('starts, and starting again reuses the running server', async () => {
  await startEmbedded(cluster);
  const pid = await serverPid();
  await startEmbedded(cluster);
  expect(await serverPid()).toBe(pid);
  await ensureDatabases(cluster, ['bookshelf', 'bookshelf_dev']);
  await ensureDatabases(cluster, ['bookshelf', 'bookshelf_dev']);
});

it('starts after a crash that left a stale postmaster.pid', async () => {
  const pidFile = path.join(cluster.dataDir, 'postmaster.pid');
  const contents = readFileSync(pidFile, 'utf8');
  await stopEmbedded(cluster);
  // What a killed server leaves: its pid file, naming a process that is gone.
  writeFileSync(pidFile, contents.replace(/^\d+/, '999999'));
  await startEmbedded(cluster);
  expect(await serverPid()).not.toBe(999999);
});

it('stop says whether it was running', async () => {
  expect(await stopEmbedded(cluster)).toBe(true);
  expect(await stopEmbedded(cluster)).toBe(false);
});

it('a data directory of another major version is refused with what to do (not pg_ctl’s own message)', async () => {
  const old = await ownCluster({ major: 15 });
  try {
    await old.start();
    await old.stop();
    const error = await startEmbedded({ ...old.cluster, major: 17 }).catch((e: Error) => e);
    expect(String(error)).toContain(`${old.cluster.dataDir} holds a Postgres 15 cluster, but the embedded Postgres is 17`);
    expect(String(error)).toContain('set EMBEDDED_PG_VERSION=15');
    expect(String(error)).toContain('`npm run db:reset` deletes the local data');
    // db:stop still stops it whatever is configured now: pg_ctl of the cluster's own version.
    await old.start();
    expect(await stopEmbedded({ ...old.cluster, major: 17 })).toBe(true);
  } finally {
    await old.dispose();
  }
});

it('EMBEDDED_PG_VERSION is 17 by default, 15 on request, and nothing else', () => {
  expect(parseEnv({}).EMBEDDED_PG_VERSION).toBe(17);
  expect(parseEnv({ EMBEDDED_PG_VERSION: '15' }).EMBEDDED_PG_VERSION).toBe(15);
  expect(() => parseEnv({ EMBEDDED_PG_VERSION: '16' })).toThrow('EMBEDDED_PG_VERSION: must be 17 or 15 (the versions bookshelf ships)');
});
