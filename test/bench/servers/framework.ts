import express from 'express';
import pg from 'pg';
import { answerTheBench } from './bench-ipc.ts';

/**
 * Bench server (ii), the FRAMEWORK FLOOR: a minimal Express 5 app, one
 * pg.Pool of the same size as ours, the guide's two reads and POST /books
 * (and the generated engine's two reads: one author, books by author),
 * res.json. Nothing else: no logging, no validation (the foreign key is the
 * only author check), no security headers.
 */
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const app = express();

app.get('/authors', async (_req, res) => {
  const { rows } = await pool.query('SELECT id, name, bio, country, created_at FROM authors ORDER BY id LIMIT 50');
  res.json(rows);
});
app.get('/books/:author_id', async (req, res) => {
  const { rows } = await pool.query('SELECT id, title, author_id, created_at FROM books WHERE author_id = $1 ORDER BY id LIMIT 50', [
    req.params.author_id,
  ]);
  res.json(rows);
});
// The two reads ours serves from a resource declaration (test/bench/workload.ts): one author, books by author.
app.get('/authors/:id', async (req, res) => {
  const { rows } = await pool.query('SELECT id, name, bio, country, created_at FROM authors WHERE id = $1', [req.params.id]);
  if (rows.length === 0) res.status(404).json({ error: 'not found' });
  else res.json(rows[0]);
});
app.get('/books', async (req, res) => {
  const { rows } = await pool.query('SELECT id, title, author_id, created_at FROM books WHERE author_id = $1 ORDER BY id LIMIT 50', [
    req.query.author_id,
  ]);
  res.json(rows);
});
app.post('/books', express.json(), async (req, res) => {
  const { title, author_id } = req.body as { title: string; author_id: number };
  try {
    const { rows } = await pool.query('INSERT INTO books (title, author_id) VALUES ($1, $2) RETURNING id, title, author_id, created_at', [
      title,
      author_id,
    ]);
    res.status(201).json(rows[0]);
  } catch (error) {
    res.status((error as { code?: string }).code === '23503' ? 422 : 500).json({ error: String(error) });
  }
});

const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.({ listening: true }));
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end().then(() => process.exit(0));
});
answerTheBench();
