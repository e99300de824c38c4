import * as db from 'zapatos/db';
import { expect, it } from 'vitest';
import { insertOne, run } from '../../src/db/run.ts';
import { databaseWithPool } from '../support/database-pool.ts';

/**
 * insertOne compiles an insert once per set of columns and binds later rows
 * to it (src/db/run.ts): every row must be stored exactly as zapatos'
 * db.insert stores it, whatever the order of its keys, its nulls, or a
 * value that is not plain.
 */
const database = databaseWithPool();

const without = <T extends object>(row: T, ...keys: string[]) =>
  Object.fromEntries(Object.entries(row).filter(([key]) => !keys.includes(key)));

it('stores each row as db.insert does: same columns, other values, keys in another order, nulls, defaults left out', async () => {
  const insertAuthor = insertOne('authors');
  const rows = [
    { name: 'Ursula K. Le Guin', bio: 'Earthsea', country: 'United States' },
    { name: 'Octavia E. Butler', bio: null, country: 'United States' },
    { country: 'Poland', name: 'Stanisław Lem', bio: 'Solaris' },
    { name: 'Italo Calvino' },
    { bio: "O'Brien; DROP TABLE authors; --", name: '$1 $2' },
  ];
  for (const row of rows) {
    const ours = await insertAuthor(database.pool, row);
    const theirs = await run(database.pool, db.insert('authors', row));
    expect(ours.id).not.toBe(theirs.id);
    expect(without(ours, 'id', 'created_at')).toEqual(without(theirs, 'id', 'created_at'));
    expect(without(ours, 'id', 'created_at')).toEqual({ bio: null, country: null, ...row });
  }
});

it('a value that is not plain (db.Default, a fragment) is compiled by zapatos as it is', async () => {
  const insertAuthor = insertOne('authors');
  const defaulted = await insertAuthor(database.pool, { name: 'Default country', country: db.Default });
  expect(defaulted.country).toBeNull();
  const fragment = await insertAuthor(database.pool, { name: db.sql`upper(${db.param('shouted')})` });
  expect(fragment.name).toBe('SHOUTED');
  // And the same columns with plain values afterwards still bind theirs.
  expect((await insertAuthor(database.pool, { name: 'plain', country: 'France' })).country).toBe('France');
});

it('a foreign-key violation still reaches the caller (the API turns it into a 422)', async () => {
  const insertBook = insertOne('books');
  await expect(insertBook(database.pool, { title: 'Orphan', author_id: 2_000_000_000 })).rejects.toMatchObject({ code: '23503' });
});
