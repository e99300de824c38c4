import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, expect, inject, it } from 'vitest';
import { embeddedCredentials, embeddedUrl, stopEmbedded } from '../../src/postgres/embedded.ts';
import { ownCluster } from '../support/cluster.ts';
import { runEntrypoint } from '../support/process.ts';

/**
 * `npm run db:reset` (src/commands/main.ts reset) on an embedded cluster of
 * this file's own, in a temp dir on a free port, with the credentials the
 * command itself uses.
 */
const own = await ownCluster();
const cluster = { ...own.cluster, ...embeddedCredentials };
afterAll(() => own.dispose());

const env = { EMBEDDED_PG_DIR: cluster.dataDir, EMBEDDED_PG_PORT: String(cluster.port) };

async function reset(extraEnv: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const command = runEntrypoint('src/commands/main.ts', { ...env, ...extraEnv }, ['reset']);
  const { code } = await command.exited;
  return { code, output: command.output() };
}

async function query<T>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: embeddedUrl(cluster, 'bookshelf') });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

const authorNames = async () => (await query<{ name: string }>('SELECT name FROM authors ORDER BY id')).map((row) => row.name);
const guideAuthors = ['J.R.R. Tolkien', 'George R.R. Martin', 'J.K. Rowling'];

it('on a machine with no local database yet: creates, migrates and seeds it', async () => {
  const { code, output } = await reset();
  expect(code, output).toBe(0);
  expect(output).toContain(`nothing to delete: ${cluster.dataDir} does not exist`);
  expect(output).toContain('seeded the guide’s authors and books');
  expect(await authorNames()).toEqual(guideAuthors);
});

it('wipes a running local database, says what it deleted, and starts over', async () => {
  await query(`INSERT INTO authors (name) VALUES ('Only in the old database')`);
  const pidBefore = readFileSync(path.join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0];
  const { code, output } = await reset();
  expect(code, output).toBe(0);
  expect(output).toContain(`stopped the local Postgres (port ${cluster.port})`);
  expect(output).toContain(`deleted ${cluster.dataDir}: the local database cluster, with all its data`);
  expect(output).toContain('seeded the guide’s authors and books');
  expect(await authorNames()).toEqual(guideAuthors);
  expect(readFileSync(path.join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]).not.toBe(pidBefore);
  expect(output).not.toContain(`${embeddedCredentials.password}@`);
});

it('refuses when DATABASE_URL is set, and touches nothing', async () => {
  await query(`INSERT INTO authors (name) VALUES ('Kept')`);
  const remote = inject('adminUrl').replace(/:\/\/([^:@/]*):[^@]*@/, '://$1:Remote-Secret@');
  const { code, output } = await reset({ DATABASE_URL: remote });
  expect(code).toBe(2);
  expect(output).toMatch(
    /^error: DATABASE_URL is set \(postgres(ql)?:\/\/[^:]*:\*\*\*@.*\): db:reset only wipes the local embedded database, never another one\.\n/,
  );
  expect(output).toContain('unset DATABASE_URL (in the environment and in .env)');
  expect(output).not.toContain('Remote-Secret');
  expect(await authorNames()).toEqual([...guideAuthors, 'Kept']);
});

it('refuses to delete an EMBEDDED_PG_DIR that is not a Postgres cluster', async () => {
  const notACluster = path.join(own.dir, 'my-project');
  mkdirSync(notACluster);
  writeFileSync(path.join(notACluster, 'notes.txt'), 'precious');
  const { code, output } = await reset({ EMBEDDED_PG_DIR: notACluster }).finally(() => stopEmbedded({ dataDir: notACluster }));
  expect(code).toBe(2);
  expect(output).toContain(`EMBEDDED_PG_DIR is ${notACluster}, which is not a Postgres cluster (no PG_VERSION in it): not deleting it.`);
  expect(existsSync(path.join(notACluster, 'notes.txt'))).toBe(true);
});
