import express from 'express';
import pg from 'pg';
import { answerMemoryProbes } from './memory-probe.ts';

/**
 * Bench server (ii), the FRAMEWORK FLOOR: a minimal Express 5 app, one
 * pg.Pool of the same size as ours, the guide's two reads, res.json. Nothing
 * else: no logging, no validation, no security headers.
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

const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.({ listening: true }));
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end().then(() => process.exit(0));
});
answerMemoryProbes();
