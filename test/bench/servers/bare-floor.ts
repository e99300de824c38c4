import { createServer, type IncomingMessage } from 'node:http';
import pg from 'pg';
import { answerTheBench } from './bench-ipc.ts';

/**
 * The bare floors (servers bare.ts and bare-named.ts): node:http and one
 * pg.Pool, the guide's two reads and POST /books (and the generated engine's
 * two reads: one author, books by author), JSON.stringify. What Node
 * and pg cost with no framework at all. `named`: each query is a named
 * prepared statement (parsed and planned once per connection, as ours' are);
 * otherwise unnamed, node-postgres' default (parsed and planned every time).
 */
const queries = {
  authors: { name: 'bare-authors', text: 'SELECT id, name, bio, country, created_at FROM authors ORDER BY id LIMIT 50' },
  books: {
    name: 'bare-books-by-author',
    text: 'SELECT id, title, author_id, created_at FROM books WHERE author_id = $1 ORDER BY id LIMIT 50',
  },
  author: { name: 'bare-author', text: 'SELECT id, name, bio, country, created_at FROM authors WHERE id = $1' },
  create: {
    name: 'bare-create-book',
    text: 'INSERT INTO books (title, author_id) VALUES ($1, $2) RETURNING id, title, author_id, created_at',
  },
} as const;

export function serveBareFloor({ named }: { named: boolean }): void {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
  const query = (which: keyof typeof queries, values: unknown[] = []) =>
    pool.query(named ? { ...queries[which], values } : { text: queries[which].text, values });
  const booksPath = /^\/books\/(\d+)$/;
  const authorPath = /^\/authors\/(\d+)$/;
  const booksByAuthor = /^\/books\?author_id=(\d+)$/;

  async function bodyOf(req: IncomingMessage): Promise<{ title: string; author_id: number }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as { title: string; author_id: number };
  }

  /** [status, body]; undefined body: not found. */
  async function answer(req: IncomingMessage): Promise<[number, unknown]> {
    const url = req.url ?? '';
    if (req.method === 'POST' && url === '/books') {
      const { title, author_id } = await bodyOf(req);
      try {
        return [201, (await query('create', [title, author_id])).rows[0]];
      } catch (error) {
        if ((error as { code?: string }).code === '23503') return [422, { error: 'no such author' }];
        throw error;
      }
    }
    if (url === '/authors') return [200, (await query('authors')).rows];
    const match = booksPath.exec(url) ?? booksByAuthor.exec(url);
    if (match) return [200, (await query('books', [match[1]])).rows];
    const author = authorPath.exec(url);
    const row: unknown = author ? (await query('author', [author[1]])).rows[0] : undefined;
    return row ? [200, row] : [404, { error: 'not found' }];
  }

  const server = createServer((req, res) => {
    answer(req).then(
      ([status, body]) => {
        const text = JSON.stringify(body);
        res.writeHead(status, {
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
  answerTheBench();
}
