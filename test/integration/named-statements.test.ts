import { sql, type ConnectionPool } from '@databases/pg';
import * as db from 'zapatos/db';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Queryable } from '@databases/pg';
import { namesStatements } from '../../src/db/named-statements.ts';
import { createPool } from '../../src/db/pool.ts';
import * as resourceSql from '../../src/db/resource-queries.ts';
import { prepare } from '../../src/db/run.ts';
import { seed } from '../../src/db/seed.ts';
import { PGBOUNCER, requireOptionalProgram } from '../support/optional-program.ts';
import { startPgBouncer, type PgBouncer } from '../support/pgbouncer.ts';
import { runEntrypoint } from '../support/process.ts';
import { createDatabase, dropDatabase } from '../support/postgres.ts';

/** The guide's hot queries as the declared resources run them (src/db/resource-queries.ts). */
const authorsSql = { name: 'authors', key: ['id'], jsonColumns: [] };
const booksSql = { name: 'books', key: ['id'], jsonColumns: [] };
const pageOf = (q: Queryable, relation: resourceSql.RelationSql, limit: number, after?: number, authorId?: number) =>
  resourceSql.listPage(q, relation, {
    filters: authorId === undefined ? [] : [{ column: 'author_id', op: 'eq', value: String(authorId) }],
    order: ['id'],
    descending: false,
    after: after === undefined ? undefined : [String(after)],
    limit,
  });
const authors = {
  listAuthors: (q: Queryable, { limit, after }: { limit: number; after?: number }) => pageOf(q, authorsSql, limit, after),
  createAuthor: async (q: Queryable, row: { name: string }) => Number((await resourceSql.insertRow(q, authorsSql, row)).key[0]),
  deleteAuthor: (q: Queryable, id: number) => resourceSql.deleteRow(q, authorsSql, [String(id)]),
};
const books = {
  listBooks: (q: Queryable, { limit }: { limit: number }) => pageOf(q, booksSql, limit),
  listBooksByAuthor: (q: Queryable, authorId: number, { limit, after }: { limit: number; after?: number }) =>
    pageOf(q, booksSql, limit, after, authorId),
  createBook: async (q: Queryable, row: { title: string; author_id: number }) =>
    Number((await resourceSql.insertRow(q, booksSql, row)).key[0]),
};

/**
 * The hot queries (resource-queries.ts, run.ts prepare(): pages, by-author, inserts) run as named
 * prepared statements on the app's pool (src/db/named-statements.ts): parsed
 * and planned once per connection. They must give the same answers as
 * unnamed ones, never name a statement inside a transaction, survive a
 * migration that changes a returned column's type under them, and fall back
 * (saying so once) behind a pooler that loses them.
 */
const adminUrl = inject('adminUrl');
let url: string;

beforeAll(async () => {
  url = await createDatabase(adminUrl);
  const pool = createPool({ url, size: 1, preparedStatements: false });
  await seed(pool);
  await pool.dispose();
});
afterAll(async () => {
  if (url) await dropDatabase(adminUrl, url);
});

async function withPool<T>(options: Partial<Parameters<typeof createPool>[0]>, use: (pool: ConnectionPool) => Promise<T>): Promise<T> {
  const pool = createPool({ url, size: 1, ...options });
  try {
    return await use(pool);
  } finally {
    await pool.dispose();
  }
}

/** The named statements of the pool's one connection. */
const preparedOn = async (pool: ConnectionPool) =>
  (await pool.query(sql`SELECT name, statement FROM pg_prepared_statements ORDER BY name`)) as { name: string; statement: string }[];

describe('on a direct connection', () => {
  it('runs the hot reads and inserts as named statements, parsed once per connection', async () => {
    await withPool({}, async (pool) => {
      expect(namesStatements(pool)).toBe(true);
      const first = await books.listBooksByAuthor(pool, 1, { limit: 50 });
      const again = await books.listBooksByAuthor(pool, 1, { limit: 50 });
      expect(again).toEqual(first);
      await authors.listAuthors(pool, { limit: 50 });
      const created = await authors.createAuthor(pool, { name: 'Prepared Once' });
      const prepared = await preparedOn(pool);
      expect(prepared.map((p) => p.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^bookshelf_[0-9a-f]{16}$/)]));
      expect(prepared.filter((p) => p.statement.includes('"author_id" = $1'))).toHaveLength(1);
      expect(prepared.filter((p) => /^INSERT INTO "authors"/.test(p.statement))).toHaveLength(1);
      expect(prepared.filter((p) => /FROM "authors" AS t ORDER BY t\."id" ASC LIMIT 50\) AS page$/.test(p.statement))).toHaveLength(1);
      await authors.deleteAuthor(pool, created);
    });
  });

  it('plans a list once: Postgres runs the prepared plan, not a new plan per request', async () => {
    // With `LIMIT $n` the prepared plan could not know the page size, so Postgres planned every execution
    // afresh (custom_plans only), a second cost per read on top of the query itself.
    await withPool({}, async (pool) => {
      // Enough rows that the page is a small part of the table (on the guide's 3 authors any plan is cheap).
      await pool.query(sql`INSERT INTO authors (name) SELECT 'Plan probe ' || g FROM generate_series(1, 5000) AS g`);
      await pool.query(
        sql`INSERT INTO books (title, author_id) SELECT 'Plan probe ' || g, a.id FROM generate_series(1, 4) AS g CROSS JOIN authors AS a WHERE a.name LIKE 'Plan probe %'`,
      );
      await pool.query(sql`ANALYZE authors`);
      await pool.query(sql`ANALYZE books`);
      try {
        for (let i = 0; i < 12; i++) {
          await authors.listAuthors(pool, { limit: 50 });
          await books.listBooksByAuthor(pool, 1 + (i % 3), { limit: 50 });
          await books.listBooksByAuthor(pool, 1, { limit: 2, after: 1 });
        }
        const plans = (await pool.query(
          sql`SELECT statement, generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE statement LIKE '%string_agg%'`,
        )) as { statement: string; generic: number; custom: number }[];
        expect(plans).toHaveLength(3);
        for (const plan of plans) {
          expect(plan.custom, plan.statement).toBeLessThanOrEqual(5); // Postgres' own trial of custom plans, at most
          expect(plan.generic, plan.statement).toBeGreaterThanOrEqual(7);
        }
      } finally {
        await pool.query(sql`DELETE FROM books WHERE title LIKE 'Plan probe %'`);
        await pool.query(sql`DELETE FROM authors WHERE name LIKE 'Plan probe %'`);
        await pool.query(sql`ANALYZE authors`);
        await pool.query(sql`ANALYZE books`);
      }
    });
  });

  it('gives exactly the answers unnamed statements give', async () => {
    const read = (pool: ConnectionPool) =>
      Promise.all([
        authors.listAuthors(pool, { limit: 50 }),
        authors.listAuthors(pool, { limit: 2, after: 1 }),
        books.listBooks(pool, { limit: 3 }),
        books.listBooksByAuthor(pool, 2, { limit: 50 }),
        books.listBooksByAuthor(pool, 1, { limit: 1, after: 1 }),
      ]);
    const named = await withPool({}, read);
    const unnamed = await withPool({ preparedStatements: false }, read);
    expect(named).toEqual(unnamed);
    expect(named[0].count).toBe(3);
  });

  it('names nothing with DATABASE_PREPARED_STATEMENTS=0, nor inside a transaction', async () => {
    await withPool({ preparedStatements: false }, async (pool) => {
      expect(namesStatements(pool)).toBe(false);
      await books.listBooksByAuthor(pool, 1, { limit: 50 });
      expect(await preparedOn(pool)).toEqual([]);
    });
    await withPool({}, async (pool) => {
      await pool.tx(async (tx) => {
        await books.listBooksByAuthor(tx, 1, { limit: 50 });
        expect(await tx.query(sql`SELECT name FROM pg_prepared_statements`)).toEqual([]);
      });
    });
  });

  it('keeps answering when a migration changes the type of a column a prepared query returns', async () => {
    await withPool({}, async (pool) => {
      await pool.query(sql`CREATE TABLE named_probe (id integer PRIMARY KEY, n integer NOT NULL)`);
      await pool.query(sql`INSERT INTO named_probe VALUES (1, 10), (2, 20)`);
      // Typed loosely on purpose: the probe table is not in the schema.
      const probe = prepare<{ id: number; n: number | string }[], [after: number]>(
        db.sql`SELECT id, n FROM named_probe WHERE id > ${db.param(0)} ORDER BY id` as db.SQLFragment<{ id: number; n: number | string }[]>,
      );
      expect(await probe(pool, 0)).toEqual([
        { id: 1, n: 10 },
        { id: 2, n: 20 },
      ]);
      // Postgres refuses to run a prepared statement whose result type changed ("cached plan must not change result type").
      await pool.query(sql`ALTER TABLE named_probe ALTER COLUMN n TYPE numeric(10, 1)`);
      expect(await probe(pool, 1)).toEqual([{ id: 2, n: '20.0' }]);
      expect(await probe(pool, 0)).toEqual([
        { id: 1, n: '10.0' },
        { id: 2, n: '20.0' },
      ]);
      expect(namesStatements(pool)).toBe(true);
      // The statement's next generation was prepared afresh (@databases/pg replaced the connection that failed).
      expect((await preparedOn(pool)).filter((p) => p.statement.includes('named_probe')).map((p) => p.name)).toEqual([
        expect.stringMatching(/^bookshelf_[0-9a-f]{16}_1$/),
      ]);
      await pool.query(sql`DROP TABLE named_probe`);
    });
  });
});

const hasPgBouncer = requireOptionalProgram(PGBOUNCER) !== undefined;

describe.skipIf(!hasPgBouncer)('through PgBouncer 1.18 in transaction mode, which loses named statements between transactions', () => {
  let bouncer: PgBouncer;
  beforeAll(async () => {
    bouncer = await startPgBouncer(url, { serverPoolSize: 2 });
  });
  afterAll(async () => {
    await bouncer?.stop();
  });

  it('answers every read and insert once, stops naming statements, and says so once with what to do', async () => {
    const said: string[] = [];
    const pool = createPool({ url: bouncer.url, size: 8, onPreparedStatementsOff: (message) => said.push(message) });
    try {
      const expected = await withPool({ preparedStatements: false }, (direct) => books.listBooksByAuthor(direct, 1, { limit: 50 }));
      const work = Array.from({ length: 160 }, (_, i) =>
        i % 4 === 0
          ? books.createBook(pool, { title: `pooled prepared ${i}`, author_id: 2 })
          : books.listBooksByAuthor(pool, 1, { limit: 50 }).then((page) => expect(page).toEqual(expected)),
      );
      const created = (await Promise.all(work)).filter((id): id is number => typeof id === 'number');
      expect(created).toHaveLength(40);
      expect(namesStatements(pool)).toBe(false);
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(/PgBouncer before 1\.21, or max_prepared_statements = 0/);
      expect(said[0]).toMatch(/DATABASE_PREPARED_STATEMENTS=0/);
      // Each insert ran exactly once, though some were sent twice.
      const [{ n }] = await pool.query(sql`SELECT count(*)::int AS n FROM books WHERE title LIKE 'pooled prepared %'`);
      expect(n).toBe(40);
      await pool.query(sql`DELETE FROM books WHERE title LIKE 'pooled prepared %'`);
    } finally {
      await pool.dispose();
    }
  });

  it('npm start serves every request through it and logs the warning once', async () => {
    const server = runEntrypoint('src/main.ts', { DATABASE_URL: bouncer.url, PORT: '0', HOST: '127.0.0.1' });
    const warnings = () =>
      server
        .output()
        .split('\n')
        .filter((line) => line.includes('max_prepared_statements = 0'));
    try {
      const { url: base } = JSON.parse(await server.waitFor(/"msg":"serving"/)) as { url: string };
      // Concurrent reads over 10 client and 2 server connections: a statement soon meets a connection that lacks it.
      for (let batch = 0; batch < 10 && warnings().length === 0; batch++) {
        const statuses = await Promise.all(
          Array.from({ length: 40 }, (_, i) => fetch(`${base}/books/${(i % 3) + 1}`).then((r) => r.status)),
        );
        expect(statuses).toEqual(statuses.map(() => 200));
      }
      const statuses = await Promise.all(Array.from({ length: 40 }, () => fetch(`${base}/authors`).then((r) => r.status)));
      expect(statuses).toEqual(statuses.map(() => 200));
      expect(warnings()).toHaveLength(1);
      expect(JSON.parse(warnings()[0]!)).toMatchObject({ level: 40, msg: expect.stringMatching(/DATABASE_PREPARED_STATEMENTS=0/) });
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
