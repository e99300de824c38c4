import { sql } from '@databases/pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool } from '../../src/db/pool.ts';
import { routes } from '../../src/http/app.ts';
import { call, startApp, type TestApp } from '../support/app.ts';
import { PGBOUNCER, requireOptionalProgram } from '../support/optional-program.ts';
import { startPgBouncer, type PgBouncer } from '../support/pgbouncer.ts';
import { createDatabase, dropDatabase } from '../support/postgres.ts';

/**
 * Neon's pooled endpoint is PgBouncer in transaction mode. Here a real
 * PgBouncer (test/support/pgbouncer.ts) stands in front of a test database
 * with a server pool smaller than the app's pool, so connections really are
 * shared between clients, and with no ignore_startup_parameters, so the app
 * must work without sending any startup parameter.
 * Without PgBouncer every test skips, saying so (CI=true: fails); with all
 * its tests skipped, vitest runs none of the file's hooks either.
 */
const hasPgBouncer = requireOptionalProgram(PGBOUNCER) !== undefined;
const adminUrl = inject('adminUrl');
let url: string;
let bouncer: PgBouncer;

beforeAll(async () => {
  url = await createDatabase(adminUrl);
  bouncer = await startPgBouncer(url, { serverPoolSize: 3 });
});
afterAll(async () => {
  await bouncer?.stop();
  if (url) await dropDatabase(adminUrl, url);
});

describe.skipIf(!hasPgBouncer)('the pool through PgBouncer (transaction mode)', () => {
  it('sends no startup parameter PgBouncer would refuse (one that does is refused, as on Neon)', async () => {
    const pool = createPool({ url: bouncer.url, size: 2 });
    try {
      expect(await pool.query(sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
    } finally {
      await pool.dispose();
    }
    const client = new pg.Client({ connectionString: bouncer.url, statement_timeout: 1000 });
    client.on('error', () => {});
    await expect(client.connect()).rejects.toThrow(/unsupported startup parameter/);
  });

  it('runs many concurrent queries and transactions correctly over a few shared server connections', async () => {
    const pool = createPool({ url: bouncer.url, size: 20 });
    try {
      const backends = new Set<number>();
      const transactions = Array.from({ length: 120 }, (_, i) =>
        pool
          .tx(async (tx) => {
            // Every statement of a transaction must reach the same backend in
            // the same transaction: PgBouncer pins a server connection per tx.
            const [first] = await tx.query(sql`SELECT pg_backend_pid() AS pid, txid_current() AS xid`);
            const [author] = await tx.query(sql`INSERT INTO authors (name) VALUES (${`pooled ${i}`}) RETURNING id`);
            await tx.query(sql`INSERT INTO books (author_id, title) VALUES (${author.id}, ${`book ${i}`})`);
            await tx.query(sql`SELECT pg_sleep(0.005)`);
            const [again] = await tx.query(sql`SELECT pg_backend_pid() AS pid, txid_current() AS xid`);
            const [seen] = await tx.query(sql`SELECT count(*)::int AS n FROM books WHERE author_id = ${author.id}`);
            expect(again).toEqual(first);
            expect(seen.n).toBe(1);
            backends.add(first.pid);
            if (i % 10 === 0) throw new Error('roll back'); // a rolled-back tx must leave nothing
            return author.id as number;
          })
          .catch((error: Error) => (error.message === 'roll back' ? null : Promise.reject(error))),
      );
      const reads = Array.from({ length: 120 }, (_, i) =>
        pool.query(sql`SELECT ${i}::int AS i, pg_backend_pid() AS pid`).then(([row]) => {
          expect(row.i).toBe(i);
          backends.add(row.pid);
        }),
      );
      const ids = (await Promise.all([...transactions, ...reads])).slice(0, 120);
      const committed = ids.filter((id): id is number => typeof id === 'number');
      expect(committed).toHaveLength(108);

      const [counts] = await pool.query(
        sql`SELECT (SELECT count(*) FROM authors WHERE name LIKE 'pooled %')::int AS authors,
                   (SELECT count(*) FROM books WHERE title LIKE 'book %')::int AS books`,
      );
      expect(counts).toEqual({ authors: 108, books: 108 });
      // 20 client connections were served by at most 3 server connections.
      expect(backends.size).toBeGreaterThan(0);
      expect(backends.size).toBeLessThanOrEqual(bouncer.serverPoolSize);
      await pool.tx(async (tx) => {
        await tx.query(sql`DELETE FROM books WHERE title LIKE 'book %'`);
        await tx.query(sql`DELETE FROM authors WHERE name LIKE 'pooled %'`);
      });
    } finally {
      await pool.dispose();
    }
  });
});

describe.skipIf(!hasPgBouncer)('the API through PgBouncer', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(bouncer.url, { seeded: true });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('serves every route', async () => {
    const served = new Set<string>();
    const hit = async (method: string, route: string, path: string, body?: unknown) => {
      const response = await call(app, method, path, body);
      expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
      served.add(`${method.toLowerCase()} ${route}`);
      return response.body;
    };

    expect(await hit('GET', '/healthz', '/healthz')).toEqual({ status: 'ok' });
    expect(await hit('GET', '/readyz', '/readyz')).toEqual({ status: 'ok' });
    const authors = await hit('GET', '/authors', '/authors');
    expect(authors.map((a: { name: string }) => a.name)).toContain('J.R.R. Tolkien');
    const tolkien = authors.find((a: { name: string }) => a.name === 'J.R.R. Tolkien');
    expect((await hit('GET', '/books/{author_id}', `/books/${tolkien.id}`)).map((b: { title: string }) => b.title)).toContain(
      'The Two Towers',
    );
    expect(await hit('GET', '/authors/{id}', `/authors/${tolkien.id}`)).toMatchObject({ name: 'J.R.R. Tolkien' });
    expect((await hit('GET', '/authors/{id}/with-books', `/authors/${tolkien.id}/with-books`)).books.length).toBe(3);
    expect((await hit('GET', '/books', '/books')).length).toBeGreaterThan(0);

    const author = await hit('POST', '/authors', '/authors', { name: 'Through PgBouncer' });
    expect(await hit('PATCH', '/authors/{id}', `/authors/${author.id}`, { country: 'Nowhere' })).toMatchObject({ country: 'Nowhere' });
    const book = await hit('POST', '/books', '/books', { author_id: author.id, title: 'Pooled' });
    expect(await hit('GET', '/books/by-id/{id}', `/books/by-id/${book.id}`)).toMatchObject({ title: 'Pooled' });
    expect(await hit('GET', '/books/by-id/{id}/with-author', `/books/by-id/${book.id}/with-author`)).toMatchObject({
      author: { name: 'Through PgBouncer' },
    });
    expect(await hit('PATCH', '/books/by-id/{id}', `/books/by-id/${book.id}`, { title: 'Pooled, 2nd ed.' })).toMatchObject({
      title: 'Pooled, 2nd ed.',
    });
    await hit('DELETE', '/books/by-id/{id}', `/books/by-id/${book.id}`);
    await hit('DELETE', '/authors/{id}', `/authors/${author.id}`);
    expect((await call(app, 'GET', `/authors/${author.id}`)).status).toBe(404);
    await hit('GET', '/openapi.json', '/openapi.json');

    // Every route the app declares was served (a new route fails this until added above).
    const declared = routes(app.pool).map((route) => `${route.method} ${route.path}`);
    expect(declared.filter((route) => !served.has(route))).toEqual([]);
  });

  it('serves concurrent requests over the few server connections', async () => {
    const responses = await Promise.all(Array.from({ length: 60 }, (_, i) => call(app, 'GET', i % 2 ? '/authors' : '/books')));
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
  });
});
