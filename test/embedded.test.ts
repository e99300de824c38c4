import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import pg from 'pg';
import { embeddedUrl, ensureDatabases, startEmbedded, stopEmbedded } from '../src/db/embedded.ts';
import { ownCluster } from './support/cluster.ts';

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
