import { expect, it } from 'vitest';
import { seed } from '../../src/db/seed.ts';
import { sql } from '@databases/pg';
import { databaseWithPool } from '../support/database-pool.ts';

const database = databaseWithPool();

const snapshot = () =>
  database.pool.query(sql`
    SELECT a.name, a.bio, b.title FROM authors a JOIN books b ON b.author_id = a.id ORDER BY a.id, b.id`);

it('loads the guide’s 3 authors and 7 books', async () => {
  expect(await seed(database.pool)).toEqual({ authorsAdded: 3, booksAdded: 7 });
  const [{ authors, books }] = await database.pool.query(
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
  expect(await seed(database.pool)).toEqual({ authorsAdded: 0, booksAdded: 0 });
  await Promise.all([seed(database.pool), seed(database.pool)]);
  expect(await snapshot()).toEqual(before);
});
