import type { ConnectionPool } from '@databases/pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createPool } from '../src/db/pool.ts';
import { seed } from '../src/db/seed.ts';
import { sql } from '@databases/pg';
import { createDatabase, dropDatabase } from './support/postgres.ts';

const adminUrl = inject('adminUrl');
let url: string;
let pool: ConnectionPool;

beforeAll(async () => {
  url = await createDatabase(adminUrl);
  pool = createPool({ url });
});
afterAll(async () => {
  await pool.dispose();
  await dropDatabase(adminUrl, url);
});

const snapshot = () =>
  pool.query(sql`
    SELECT a.name, a.bio, b.title FROM authors a JOIN books b ON b.author_id = a.id ORDER BY a.id, b.id`);

it('loads the guide’s 3 authors and 7 books', async () => {
  expect(await seed(pool)).toEqual({ authorsAdded: 3, booksAdded: 7 });
  const [{ authors, books }] = await pool.query(
    sql`SELECT (SELECT count(*) FROM authors)::int AS authors, (SELECT count(*) FROM books)::int AS books`,
  );
  expect({ authors, books }).toEqual({ authors: 3, books: 7 });
  const rows = await snapshot();
  expect(rows.filter((row) => row.name === 'J.R.R. Tolkien').map((row) => row.title)).toEqual([
    'The Fellowship of the Ring',
    'The Two Towers',
    'The Return of the King',
  ]);
  expect(rows.find((row) => row.name === 'J.K. Rowling')?.bio).toBe('The creator of the Harry Potter series.');
});

it('a second run, and two at once, change nothing', async () => {
  const before = await snapshot();
  expect(await seed(pool)).toEqual({ authorsAdded: 0, booksAdded: 0 });
  await Promise.all([seed(pool), seed(pool)]);
  expect(await snapshot()).toEqual(before);
});
