import { sql, type ConnectionPool } from '@databases/pg';
import * as db from 'zapatos/db';
import { run } from './run.ts';
import { seedAuthors } from './seed-data.ts';

export interface SeedResult {
  authorsAdded: number;
  booksAdded: number;
}

/**
 * Loads the guide's authors and books. Idempotent: an author is matched by
 * name and a book by (author, title), so a second run adds nothing. One
 * transaction, serialised by an advisory lock, so concurrent seeds cannot
 * double-insert.
 */
export async function seed(pool: ConnectionPool): Promise<SeedResult> {
  return pool.tx(async (tx) => {
    await run(tx, db.sql`SELECT pg_advisory_xact_lock(hashtext('bookshelf.seed'))`);
    let authorsAdded = 0;
    let booksAdded = 0;
    for (const { name, bio, books } of seedAuthors) {
      let author = await run(tx, db.selectOne('authors', { name }, { columns: ['id'], order: { by: 'id', direction: 'ASC' } }));
      if (!author) {
        author = await run(tx, db.insert('authors', { name, bio }, { returning: ['id'] }));
        authorsAdded++;
      }
      for (const title of books) {
        const existing = await run(tx, db.selectOne('books', { author_id: author.id, title }, { columns: ['id'] }));
        if (existing) continue;
        await run(tx, db.insert('books', { author_id: author.id, title }));
        booksAdded++;
      }
    }
    return { authorsAdded, booksAdded };
  });
}

/** Seeds the guide's data only into a database with no authors yet. */
export async function seedIfEmpty(pool: ConnectionPool): Promise<boolean> {
  const [row] = await pool.query(sql`SELECT EXISTS (SELECT 1 FROM authors) AS any`);
  if (row?.any) return false;
  await seed(pool);
  return true;
}
