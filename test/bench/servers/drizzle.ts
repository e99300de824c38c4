import { asc, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { integer, pgTable, text, timestamp, varchar } from 'drizzle-orm/pg-core';
import express from 'express';
import pg from 'pg';
import { answerTheBench } from './bench-ipc.ts';

/**
 * Bench server (iv), the PEER: what a user might pick instead of bookshelf,
 * Express 5 with Drizzle ORM over node-postgres (one pg.Pool of the same
 * size), written as Drizzle's docs show: tables declared in TypeScript, the
 * query builder, res.json. The guide's two reads and POST /books (and the
 * generated engine's two reads: one author, books by author); like the
 * framework floor, the foreign key is the only author check.
 */
const authors = pgTable('authors', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  name: varchar('name', { length: 100 }).notNull(),
  bio: text('bio'),
  country: varchar('country', { length: 100 }),
  created_at: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
const books = pgTable('books', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  title: varchar('title', { length: 200 }).notNull(),
  author_id: integer('author_id')
    .notNull()
    .references(() => authors.id),
  created_at: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const db = drizzle(pool);
const app = express();

app.get('/authors', async (_req, res) => {
  res.json(await db.select().from(authors).orderBy(asc(authors.id)).limit(50));
});
/** A page of an author's books: the guide's read and the filtered list run the same query. */
const booksOf = (authorId: number) => db.select().from(books).where(eq(books.author_id, authorId)).orderBy(asc(books.id)).limit(50);
app.get('/books/:author_id', async (req, res) => {
  res.json(await booksOf(Number(req.params.author_id)));
});
// The two reads ours serves from a resource declaration (test/bench/workload.ts): one author, books by author.
app.get('/authors/:id', async (req, res) => {
  const [author] = await db
    .select()
    .from(authors)
    .where(eq(authors.id, Number(req.params.id)));
  if (author) res.json(author);
  else res.status(404).json({ error: 'not found' });
});
app.get('/books', async (req, res) => {
  res.json(await booksOf(Number(req.query.author_id)));
});
app.post('/books', express.json(), async (req, res) => {
  const { title, author_id } = req.body as { title: string; author_id: number };
  try {
    const [book] = await db.insert(books).values({ title, author_id }).returning();
    res.status(201).json(book);
  } catch (error) {
    const code = (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
    res.status(code === '23503' ? 422 : 500).json({ error: String(error) });
  }
});

const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.({ listening: true }));
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end().then(() => process.exit(0));
});
answerTheBench();
