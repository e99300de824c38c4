import { createServer } from 'node:http';
import pg from 'pg';
import { answerMemoryProbes } from './memory-probe.ts';

/**
 * Bench server (iii), the BARE FLOOR: node:http and one pg.Pool, the guide's
 * two reads, JSON.stringify. What Node and pg cost with no framework at all.
 */
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const booksPath = /^\/books\/(\d+)$/;

async function rowsFor(url: string): Promise<unknown[] | undefined> {
  if (url === '/authors') {
    return (await pool.query('SELECT id, name, bio, country, created_at FROM authors ORDER BY id LIMIT 50')).rows;
  }
  const match = booksPath.exec(url);
  if (!match) return undefined;
  return (await pool.query('SELECT id, title, author_id, created_at FROM books WHERE author_id = $1 ORDER BY id LIMIT 50', [match[1]]))
    .rows;
}

const server = createServer((req, res) => {
  rowsFor(req.url ?? '').then(
    (rows) => {
      const text = rows === undefined ? '{"error":"not found"}' : JSON.stringify(rows);
      res.writeHead(rows === undefined ? 404 : 200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    },
    () => {
      res.writeHead(500).end();
    },
  );
});

server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.({ listening: true }));
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end().then(() => process.exit(0));
});
answerMemoryProbes();
