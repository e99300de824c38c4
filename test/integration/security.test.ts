import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { sql } from '@databases/pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { createPool } from '../../src/db/pool.ts';
import { createApp } from '../../src/http/app.ts';
import { call, startAppOnNewDatabase, type JsonResponse, type TestApp } from '../support/app.ts';
import { freePort } from '../support/free-port.ts';
import { adminQuery } from '../support/postgres.ts';

/**
 * Security basics, over real HTTP and a real Postgres:
 * (a) SQL injection through every input is either refused (4xx) or stored as
 *     plain data (reads back equal), and the tables stay intact;
 * (b) a database password never reaches logs, responses or command output;
 * (c) hardened headers on success and on every kind of error;
 * (d) bodies over the limit are a 413, however they arrive.
 */
const adminUrl = inject('adminUrl');
let app: TestApp;

beforeAll(async () => {
  app = await startAppOnNewDatabase();
});
afterAll(() => app?.close());

const snapshot = async () => {
  const [row] = await app.pool.query(sql`
    SELECT (SELECT coalesce(json_agg(a ORDER BY a.id), '[]') FROM authors a) AS authors,
           (SELECT coalesce(json_agg(b ORDER BY b.id), '[]') FROM books b) AS books,
           (SELECT array_agg(tablename::text ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public') AS tables`);
  return row as { authors: { id: number }[]; books: { id: number }[]; tables: string[] };
};

const injections = [
  "'; DROP TABLE authors; --",
  "'); DROP TABLE books; --",
  '1 OR 1=1',
  "1' OR '1'='1",
  "' OR 1=1 --",
  '1; DELETE FROM books',
  '1 UNION SELECT usename, passwd FROM pg_shadow',
  '$1',
  '$1::text',
  '$$; TRUNCATE authors CASCADE; $$',
  '\\x00',
  '\\',
  "\\'",
  '"',
  '%27',
  '%00',
  "E'\\\\'",
  '/* */',
  '1e3',
  '-1',
];

describe('(a) SQL injection', () => {
  let authorId: number;
  let bookId: number;
  let before: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    before = await snapshot();
    authorId = before.authors[0]!.id;
    bookId = before.books[0]!.id;
  });

  it.each(injections)('%s in a path id, a query parameter or author_id is a 4xx problem and changes nothing', async (payload) => {
    const encoded = encodeURIComponent(payload);
    const attempts: [string, string, unknown?][] = [
      ['GET', `/authors/${encoded}`],
      ['PATCH', `/authors/${encoded}`, { name: 'x' }],
      ['DELETE', `/authors/${encoded}`],
      ['GET', `/books/${encoded}`],
      ['GET', `/books/by-id/${encoded}`],
      ['PATCH', `/books/by-id/${encoded}`, { title: 'x' }],
      ['DELETE', `/books/by-id/${encoded}`],
      ['GET', `/authors?limit=${encoded}`],
      ['GET', `/authors?after=${encoded}`],
      ['GET', `/books?limit=${encoded}`],
      ['GET', `/books?after=${encoded}`],
      ['GET', `/books/${authorId}?after=${encoded}`],
      ['GET', `/authors/${authorId}?include=${encoded}`],
      ['POST', '/books', { title: 'x', author_id: payload }],
      ['PATCH', `/books/by-id/${bookId}`, { author_id: payload }],
      ['POST', '/authors', { name: 'x', [payload]: 'y' }],
    ];
    for (const [method, target, body] of attempts) {
      const response = await call(app, method, target, body);
      expect(response.status, `${method} ${target}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${method} ${target}`).toBeLessThan(500);
      expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    }
    expect(await snapshot()).toEqual(before);
  });

  it.each(injections)('%s in every text field is stored verbatim and reads back equal', async (payload) => {
    const author = await call(app, 'POST', '/authors', { name: payload, bio: payload, country: payload });
    expect(author.status).toBe(201);
    expect(author.body).toMatchObject({ name: payload, bio: payload, country: payload });
    expect((await call(app, 'GET', `/authors/${author.body.id}`)).body).toEqual(author.body);

    const book = await call(app, 'POST', '/books', { title: payload, author_id: author.body.id });
    expect(book.status).toBe(201);
    expect((await call(app, 'GET', `/books/by-id/${book.body.id}`)).body).toMatchObject({ title: payload, author_id: author.body.id });
    expect((await call(app, 'GET', `/books/${author.body.id}`)).body.map((b: { title: string }) => b.title)).toEqual([payload]);

    const renamed = await call(app, 'PATCH', `/authors/${author.body.id}`, { name: `${payload} 2`, bio: null });
    expect(renamed.body).toMatchObject({ name: `${payload} 2`, bio: null, country: payload });
    const retitled = await call(app, 'PATCH', `/books/by-id/${book.body.id}`, { title: `${payload} 2` });
    expect(retitled.body.title).toBe(`${payload} 2`);
    expect((await call(app, 'GET', `/authors/${author.body.id}/with-books`)).body.books[0].title).toBe(`${payload} 2`);

    // In the database exactly as sent (not through the API's own reads).
    const [row] = await app.pool.query(
      sql`SELECT a.name, a.country, b.title FROM authors a JOIN books b ON b.author_id = a.id WHERE a.id = ${author.body.id}`,
    );
    expect(row).toEqual({ name: `${payload} 2`, country: payload, title: `${payload} 2` });

    expect((await call(app, 'DELETE', `/books/by-id/${book.body.id}`)).status).toBe(204);
    expect((await call(app, 'DELETE', `/authors/${author.body.id}`)).status).toBe(204);
    expect(await snapshot()).toEqual(before);
  });

  it('text that cannot be stored as sent is refused, not silently changed: NUL and unpaired surrogates', async () => {
    for (const bad of ['a\u0000b', '\ud800', 'x\udc00y', '\udbff']) {
      for (const [target, body, field] of [
        ['/authors', { name: bad }, 'name'],
        ['/authors', { name: 'ok', bio: bad }, 'bio'],
        ['/authors', { name: 'ok', country: bad }, 'country'],
        ['/books', { title: bad, author_id: authorId }, 'title'],
      ] as const) {
        const response = await call(app, 'POST', target, body);
        expect(response.status, JSON.stringify(body)).toBe(422);
        expect(response.body.errors.map((e: { loc: unknown }) => e.loc)).toContainEqual(['body', field]);
      }
    }
    // A well-formed pair (an emoji) is fine.
    const ok = await call(app, 'POST', '/authors', { name: '\ud83d\udcda' });
    expect(ok).toMatchObject({ status: 201, body: { name: '📚' } });
    await call(app, 'DELETE', `/authors/${ok.body.id}`);
    expect(await snapshot()).toEqual(before);
  });
});

describe('(b) passwords never leak', () => {
  const secret = 'SuperSecret123';
  const adminPort = new URL(adminUrl).port;
  /** A real role whose password is the secret: its logins get past authentication. */
  const leakRole = `leak_${process.pid}`;
  beforeAll(() => adminQuery(adminUrl, `CREATE ROLE ${leakRole} LOGIN PASSWORD '${secret}'`));
  afterAll(() => adminQuery(adminUrl, `DROP ROLE IF EXISTS ${leakRole}`));

  /** The app over a pool whose URL carries `secret`, logging everything to a string. */
  async function appWithPool(poolUrl: string) {
    let logs = '';
    const logger = pino({ level: 'debug' }, { write: (line: string) => void (logs += line) });
    const pool = createPool({
      url: poolUrl,
      size: 6,
      onError: (error) => logger.warn({ err: error.message }, 'database connection error'),
    });
    const server = createApp({ db: pool, logger }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      target: { baseUrl } as TestApp,
      logs: () => logs,
      close: async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await pool.dispose();
      },
    };
  }

  it.each([
    ['a wrong password for a real server', () => `postgres://bookshelf:${secret}@127.0.0.1:${adminPort}/db?sslmode=disable`],
    ['a role that does not exist', () => `postgres://nobody_here:${secret}@127.0.0.1:${adminPort}/db?sslmode=disable`],
    [
      'a right password for a database that does not exist',
      () => `postgres://${leakRole}:${secret}@127.0.0.1:${adminPort}/no_such_db?sslmode=disable`,
    ],
    ['nothing listening', async () => `postgres://bookshelf:${secret}@127.0.0.1:${await freePort()}/db?sslmode=disable`],
  ])('%s: /readyz and /authors are 503 problems; the secret is in no response and no log line', async (_name, makeUrl) => {
    const broken = await appWithPool(await makeUrl());
    try {
      const attempts: [string, string, unknown?][] = [
        ['GET', '/readyz'],
        ['GET', '/authors'],
        ['GET', '/authors/1/with-books'],
        ['POST', '/authors', { name: 'x' }],
        ['GET', '/books/1'],
        ['DELETE', '/books/by-id/1'],
      ];
      // At once: the pool retries each failed connection with a backoff (~2 s in all).
      const responses: JsonResponse[] = await Promise.all(
        attempts.map(([method, target, body]) => call(broken.target, method, target, body)),
      );
      for (const [index, [method, target]] of attempts.entries()) {
        const response = responses[index]!;
        expect(response.status, `${method} ${target}: ${JSON.stringify(response.body)}`).toBe(503);
        expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
        expect(response.headers.get('retry-after')).toBe('1');
        expect(response.body).toMatchObject({ status: 503, title: 'Database Unavailable' });
      }
      const everything = JSON.stringify(responses.map((r) => [r.body, [...r.headers]])) + broken.logs();
      expect(broken.logs()).toContain('"level":50'); // the failures were logged (at error level)...
      expect(everything).not.toContain(secret); // ...without the password
      expect(everything).not.toContain('SuperSecret');
    } finally {
      await broken.close();
    }
  });

  const runCommand = (command: string, databaseUrl: string) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', path.join(repoRoot, 'src/commands/main.ts'), command],
        {
          cwd: repoRoot,
          env: { ...process.env, DATABASE_URL: databaseUrl, DIRECT_DATABASE_URL: '', ATLAS_DEV_URL: '', LOG_LEVEL: 'debug' },
          timeout: 60_000,
        },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` }),
      );
    });

  it.each([
    ['a wrong password', () => `postgres://bookshelf:${secret}@127.0.0.1:${adminPort}/bookshelf?sslmode=disable`],
    ['an unreachable server', async () => `postgres://bookshelf:${secret}@127.0.0.1:${await freePort()}/bookshelf?sslmode=disable`],
    [
      'a password with URL-encoded characters',
      async () => `postgres://bookshelf:${encodeURIComponent(`${secret}@/:?#%`)}@127.0.0.1:${await freePort()}/bookshelf`,
    ],
  ])('db:status with %s in DATABASE_URL fails (non-zero exit) without printing the password', async (_name, makeUrl) => {
    const { code, output } = await runCommand('status', await makeUrl());
    expect(code, output).not.toBe(0);
    expect(output).toMatch(/error/i);
    expect(output).not.toContain(secret);
    expect(output).not.toContain('SuperSecret');
  });
});

describe('(c) hardened headers', () => {
  const expectHardened = (response: { status: number; headers: Headers }, label: string) => {
    const h = response.headers;
    expect(h.get('content-security-policy'), label).toContain("default-src 'self'");
    expect(h.get('content-security-policy'), label).toContain("object-src 'none'");
    expect(h.get('content-security-policy'), label).toContain("frame-ancestors 'self'");
    // It would send /docs' assets to https, which a server reached over plain HTTP does not speak (test/integration/docs-page.test.ts).
    expect(h.get('content-security-policy'), label).not.toContain('upgrade-insecure-requests');
    expect(h.get('x-content-type-options'), label).toBe('nosniff');
    expect(h.get('x-frame-options'), label).toBe('SAMEORIGIN');
    expect(h.get('strict-transport-security'), label).toMatch(/^max-age=\d+/);
    expect(h.get('referrer-policy'), label).toBe('no-referrer');
    expect(h.get('cross-origin-opener-policy'), label).toBe('same-origin');
    expect(h.get('cross-origin-resource-policy'), label).toBe('same-origin');
    expect(h.get('x-powered-by'), label).toBeNull();
    expect(h.get('server'), label).toBeNull();
    expect(h.get('access-control-allow-origin'), label).toBeNull();
  };

  it.each([
    ['GET', '/authors', undefined, undefined, 200],
    ['GET', '/healthz', undefined, undefined, 200],
    ['GET', '/openapi.json', undefined, undefined, 200],
    ['GET', '/docs', undefined, undefined, 200],
    ['GET', '/docs/assets/swagger-ui.css', undefined, undefined, 200],
    ['POST', '/authors', { name: 'Headers' }, undefined, 201],
    ['GET', '/nope', undefined, undefined, 404],
    ['GET', '/authors/987654', undefined, undefined, 404],
    ['GET', '/authors/abc', undefined, undefined, 422],
    ['PUT', '/authors', undefined, undefined, 405],
    ['POST', '/authors', '{"name":', undefined, 400],
    ['GET', '/authors/%E0%A4%A', undefined, undefined, 400],
    ['POST', '/authors', { name: 'x'.repeat(20_000) }, undefined, 413],
    ['POST', '/authors', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
    ['POST', '/authors', '{"name":"x"}', { 'content-type': 'application/json; charset=latin1' }, 415],
  ] as [string, string, unknown, Record<string, string> | undefined, number][])(
    '%s %s (%#) has the hardened headers',
    async (method, target, body, headers, status) => {
      const response = await call(app, method, target, body, headers);
      expect(response.status).toBe(status);
      expectHardened(response, `${method} ${target}`);
      if (status >= 400) expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      if (status === 201) await call(app, 'DELETE', `/authors/${response.body.id}`);
    },
  );

  it('a 503 from a database that is away has them too', async () => {
    const pool = createPool({ url: `postgres://bookshelf:x@127.0.0.1:${await freePort()}/db`, size: 1 });
    const server = createApp({ db: pool }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const target = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } as TestApp;
      for (const route of ['/readyz', '/authors']) {
        const response = await call(target, 'GET', route);
        expect(response.status).toBe(503);
        expectHardened(response, route);
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await pool.dispose();
    }
  });
});

describe('(d) bodies over the limit', () => {
  const limit = 16 * 1024;
  /** `{"name":"n","bio":"xxx…"}` of exactly `bytes` bytes. */
  const bodyOf = (bytes: number) => {
    const empty = JSON.stringify({ name: 'n', bio: '' });
    return JSON.stringify({ name: 'n', bio: 'x'.repeat(bytes - empty.length) });
  };

  /** Raw HTTP, so the body can be chunked (no content-length) or compressed. */
  const rawPost = (body: Buffer, headers: Record<string, string>) =>
    new Promise<{ status: number; type: string | undefined; text: string }>((resolve, reject) => {
      const { port } = new URL(app.baseUrl);
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: '/authors', headers: { 'content-type': 'application/json', ...headers } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  it('exactly the limit is accepted; one byte more is a 413 problem, and nothing is written', async () => {
    const before = await snapshot();
    const atLimit = await call(app, 'POST', '/authors', bodyOf(limit));
    expect(atLimit.status).toBe(201);
    await call(app, 'DELETE', `/authors/${atLimit.body.id}`);

    const over = await call(app, 'POST', '/authors', bodyOf(limit + 1));
    expect(over.status).toBe(413);
    expect(over.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(over.body).toMatchObject({ status: 413, title: 'Payload Too Large' });
    expect(over.body.detail).toContain(String(limit));
    expect((await call(app, 'PATCH', `/authors/${before.authors[0]!.id}`, { bio: 'x'.repeat(limit) })).status).toBe(413);
    expect(await snapshot()).toEqual(before);
  });

  it('a chunked body (no content-length) over the limit is a 413 too', async () => {
    const before = await snapshot();
    const response = await rawPost(Buffer.from(bodyOf(limit * 4)), { 'transfer-encoding': 'chunked' });
    expect(response.status).toBe(413);
    expect(response.type).toBe('application/problem+json; charset=utf-8');
    expect(await snapshot()).toEqual(before);
  });

  it('a small gzip body that inflates past the limit (a zip bomb) is a 413', async () => {
    const before = await snapshot();
    const bomb = gzipSync(Buffer.from(bodyOf(10 * 1024 * 1024)));
    expect(bomb.length).toBeLessThan(limit);
    const response = await rawPost(bomb, { 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
    expect(response.status).toBe(413);
    expect(response.type).toBe('application/problem+json; charset=utf-8');
    expect(await snapshot()).toEqual(before);
  });
});
