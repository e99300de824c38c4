import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { stopEmbedded } from '../../src/postgres/embedded.ts';
import { freePort } from '../support/free-port.ts';
import { withDatabase } from '../support/postgres.ts';
import { runEntrypoint } from '../support/process.ts';

/**
 * What `npm start` checks before it does anything slow or lasting, run as
 * the real entry point (src/main.ts) in its own process.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'bookshelf-start-'));
/** Clusters a failing check would have left running. */
const dataDirs: string[] = [];
afterAll(async () => {
  for (const dataDir of dataDirs) await stopEmbedded({ dataDir });
  rmSync(dir, { recursive: true, force: true });
});

function listenOn(host: string): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve(server));
  });
}

describe('npm start when PORT is in use', () => {
  it.each([
    ['0.0.0.0 (the default), another program on 127.0.0.1', '0.0.0.0'],
    ['127.0.0.1, the same address', '127.0.0.1'],
  ])('HOST %s: says so at once, naming PORT and HOST, before starting or migrating a database', async (_case, host) => {
    const other = await listenOn('127.0.0.1');
    const { port } = other.address() as AddressInfo;
    const dataDir = path.join(dir, `pg-${port}`);
    dataDirs.push(dataDir);
    try {
      const server = runEntrypoint('src/main.ts', {
        PORT: String(port),
        HOST: host,
        EMBEDDED_PG_DIR: dataDir,
        EMBEDDED_PG_PORT: String(await freePort()),
      });
      expect((await server.exited).code).toBe(1);
      expect(server.stderr()).toBe(
        `Cannot listen on PORT ${port} on HOST ${host}: another program (maybe another \`npm start\`) is using it.\n` +
          `Stop it, or start on another port: PORT=8000 npm start (or set PORT in .env).\n`,
      );
      // Nothing else happened: no log line, no Postgres cluster created.
      expect(server.output()).toBe(server.stderr());
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});

describe('npm start when HOST is not an address of this machine', () => {
  it('says so at once, naming HOST, before starting a database', async () => {
    const dataDir = path.join(dir, 'pg-bad-host');
    dataDirs.push(dataDir);
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never a local address.
    const server = runEntrypoint('src/main.ts', {
      PORT: '8000',
      HOST: '192.0.2.1',
      EMBEDDED_PG_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
    });
    expect((await server.exited).code).toBe(1);
    expect(server.stderr()).toBe(
      'Cannot listen on PORT 8000 on HOST 192.0.2.1: 192.0.2.1 is not an address of this machine.\n' +
        'Set HOST to one of its addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (all).\n',
    );
    expect(server.output()).toBe(server.stderr());
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('npm start when DATABASE_URL does not work', () => {
  const adminUrl = inject('adminUrl');
  const secret = `Wrong-${Date.now().toString(36)}@pass/word`;
  const withPassword = (url: string, password: string) => url.replace(/^(postgres(?:ql)?:\/\/[^:@/]*:)[^@]*@/, `$1${password}@`);
  const adminUser = decodeURIComponent(new URL(adminUrl).username);
  const adminAddress = `${new URL(adminUrl).hostname}:${new URL(adminUrl).port || 5432}`;

  it.each([
    [
      'a wrong password',
      async () => withPassword(adminUrl, encodeURIComponent(secret)),
      `password authentication failed for user "${adminUser}" at ${adminAddress}: check the user and password in DATABASE_URL`,
    ],
    [
      'a closed port',
      async () => {
        const port = await freePort();
        return { url: `postgres://app:${encodeURIComponent(secret)}@127.0.0.1:${port}/bookshelf`, port };
      },
      'connection refused at 127.0.0.1:{port}: is Postgres running there? Check the host and port in DATABASE_URL',
    ],
    [
      'a database that does not exist',
      async () => withDatabase(adminUrl, 'no_such_database'),
      `database "no_such_database" does not exist at ${adminAddress}: create it, or fix the database name in DATABASE_URL`,
    ],
    [
      'TLS asked of a server without it',
      async () => {
        const url = new URL(adminUrl);
        url.searchParams.set('sslmode', 'require');
        return url.toString();
      },
      `TLS: ${adminAddress} does not offer TLS, but DATABASE_URL asks for it (sslmode): use a TLS endpoint, or sslmode=disable for a local server`,
    ],
  ] as const)('%s: serves, logs one warning naming the cause, /readyz answers 503', async (_case, makeUrl, cause) => {
    const made = await makeUrl();
    const { url, port } = typeof made === 'string' ? { url: made, port: 0 } : made;
    const server = runEntrypoint('src/main.ts', { DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    try {
      const base = (JSON.parse(await server.waitFor(/"msg":"serving"/)) as { url: string }).url;
      const warnings = server
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; msg: string })
        .filter((line) => line.level >= 40);
      expect(warnings.map((w) => w.msg)).toEqual([
        `the database does not answer: ${cause.replace('{port}', String(port))}. ` +
          'Serving anyway: /readyz and requests that need the database answer 503 until it does',
      ]);
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(server.output()).not.toContain('Wrong-');
      expect(server.output()).not.toContain(encodeURIComponent(secret));
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('a working DATABASE_URL: no warning', async () => {
    const server = runEntrypoint('src/main.ts', {
      DATABASE_URL: withDatabase(adminUrl, 'postgres'),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    try {
      await server.waitFor(/"msg":"serving"/);
      expect(server.output()).not.toMatch(/"level":[4-6]0/);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
