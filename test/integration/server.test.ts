import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import { embeddedCredentials, embeddedUrl } from '../../src/postgres/embedded.ts';
import { ownCluster } from '../support/cluster.ts';
import { createDatabase, dropDatabase } from '../support/postgres.ts';
import { runEntrypoint } from '../support/process.ts';

const adminUrl = inject('adminUrl');
// A place and a port for the cluster `npm start` creates itself (with the
// embedded credentials); dispose() stops it and deletes it.
const own = await ownCluster();
const cluster = { ...own.cluster, ...embeddedCredentials };
afterAll(() => own.dispose());

const urlFrom = (line: string) => (JSON.parse(line) as { url: string }).url;

describe('npm start without DATABASE_URL (a newcomer’s first run)', () => {
  const env = {
    EMBEDDED_PG_DIR: cluster.dataDir,
    EMBEDDED_PG_PORT: String(cluster.port),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };

  it('starts Postgres, applies the migrations, seeds the guide and serves Tolkien at /authors', async () => {
    const server = runEntrypoint('src/main.ts', env);
    try {
      const base = urlFrom(await server.waitFor(/"msg":"serving"/));
      const authors = (await (await fetch(`${base}/authors`)).json()) as { name: string; country: null }[];
      expect(authors.map((a) => a.name)).toEqual(['J.R.R. Tolkien', 'George R.R. Martin', 'J.K. Rowling']);
      expect(server.output()).toContain('seeded the guide');
      expect(server.output()).not.toContain(embeddedCredentials.password + '@');
    } finally {
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
    }
  });

  it('a second start reuses the data: no second seed, the same authors', async () => {
    const server = runEntrypoint('src/main.ts', env);
    try {
      const base = urlFrom(await server.waitFor(/"msg":"serving"/));
      expect(((await (await fetch(`${base}/authors`)).json()) as unknown[]).length).toBe(3);
      expect(server.output()).not.toContain('seeded the guide');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('SIGTERM lets an in-flight request finish, then closes the pool and exits 0', async () => {
    const server = runEntrypoint('src/main.ts', env);
    const locker = new pg.Client({ connectionString: embeddedUrl(cluster, 'bookshelf') });
    try {
      const base = urlFrom(await server.waitFor(/"msg":"serving"/));
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE authors IN ACCESS EXCLUSIVE MODE');
      const inFlight = fetch(`${base}/authors`);
      // The request is now waiting on the lock inside the server.
      await new Promise((resolve) => setTimeout(resolve, 300));
      server.child.kill('SIGTERM');
      await server.waitFor(/shutting down/);
      expect(server.child.exitCode).toBeNull();
      await locker.query('COMMIT');
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(((await response.json()) as unknown[]).length).toBe(3);
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(server.output()).toContain('shut down cleanly');
      await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    } finally {
      await locker.end().catch(() => {});
      server.child.kill('SIGKILL');
    }
  });
});

describe('npm start with DATABASE_URL', () => {
  it('only serves: no migrations, no seed', async () => {
    const url = await createDatabase(adminUrl);
    const server = runEntrypoint('src/main.ts', { DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1' });
    try {
      const base = urlFrom(await server.waitFor(/"msg":"serving"/));
      expect(await (await fetch(`${base}/authors`)).json()).toEqual([]);
      expect(server.output()).not.toMatch(/applied \d+ migration/);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      await dropDatabase(adminUrl, url);
    }
  });

  it('MIGRATE_ON_START=1 applies the migrations to an empty database first (the gate checks them in ATLAS_DEV_URL)', async () => {
    const url = await createDatabase(adminUrl, { empty: true });
    const dev = await createDatabase(adminUrl, { empty: true });
    const server = runEntrypoint('src/main.ts', {
      DATABASE_URL: url,
      ATLAS_DEV_URL: dev,
      MIGRATE_ON_START: '1',
      PORT: '0',
      HOST: '127.0.0.1',
    });
    try {
      const base = urlFrom(await server.waitFor(/"msg":"serving"/));
      expect(await (await fetch(`${base}/authors`)).json()).toEqual([]);
      expect(server.output()).toContain('"msg":"applied 2 migration(s)"');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      await dropDatabase(adminUrl, url);
      await dropDatabase(adminUrl, dev);
    }
  });

  it('bad configuration stops start-up with one clear message per variable, and no secret', async () => {
    const server = runEntrypoint('src/main.ts', {
      DATABASE_URL: 'mysql://app:Hunter2Secret@db/x',
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
    });
    const { code } = await server.exited;
    expect(code).toBe(1);
    const output = server.output();
    expect(output).not.toContain('Hunter2Secret');
    // Plain lines on stderr, one per variable, for a person to read: not a
    // JSON log line with `\n` escaped, and nothing on stdout.
    expect(output).toBe(server.stderr());
    expect(server.stderr().split('\n')).toEqual([
      'Invalid configuration (set these in the environment or in .env):',
      '  DATABASE_URL: must be a postgres:// or postgresql:// URL',
      '  PORT: must be a whole number from 0 to 65535',
      expect.stringMatching(/^ {2}LOG_LEVEL: .*"info"/),
      '',
    ]);
  });

  it('a db:* command reports bad configuration the same plain way', async () => {
    const command = runEntrypoint('src/commands/main.ts', { PORT: 'eighty' }, ['status']);
    expect((await command.exited).code).toBe(1);
    expect(command.output()).toBe(command.stderr());
    expect(command.stderr()).toBe(
      'error: Invalid configuration (set these in the environment or in .env):\n  PORT: must be a whole number from 0 to 65535\n',
    );
  });
});

describe('configuration', () => {
  it('has the guide’s defaults', () => {
    const config = parseEnv({ DATABASE_URL: '' });
    expect(config).toMatchObject({ PORT: 8000, MIGRATE_ON_START: false, LOG_LEVEL: 'info' });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('names every bad variable', () => {
    expect(() => parseEnv({ PORT: '70000', MIGRATE_ON_START: 'maybe', DATABASE_POOL_SIZE: '0' })).toThrow(
      /PORT: .*\n.*MIGRATE_ON_START: .*\n.*DATABASE_POOL_SIZE: /s,
    );
  });
});
