import helmet from '@fastify/helmet';
import Fastify from 'fastify';
import pg from 'pg';
import { answerTheBench } from './bench-ipc.ts';

/**
 * Bench server (v), the FASTIFY PEER: what a performance-minded user picks
 * instead of bookshelf, Fastify 5 written as its docs show: its default pino
 * logger on (two lines per request, "incoming request" and "request
 * completed", to stdout, which the bench points at a log file as it does
 * ours'), @fastify/helmet's default headers, JSON schemas for params, body
 * and responses (validated by ajv, serialised by fast-json-stringify), one
 * pg.Pool of the same size as ours, and named prepared statements. The
 * guide's two reads and POST /books, and the generated engine's two reads (one
 * author, books by author); the foreign key is its only author check.
 */
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'info' } });
await app.register(helmet);

const nullableText = { type: ['string', 'null'] } as const;
const author = {
  type: 'object',
  required: ['id', 'name', 'bio', 'country', 'created_at'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    bio: nullableText,
    country: nullableText,
    created_at: { type: 'string', format: 'date-time' },
  },
} as const;
const book = {
  type: 'object',
  required: ['id', 'title', 'author_id', 'created_at'],
  properties: {
    id: { type: 'integer' },
    title: { type: 'string' },
    author_id: { type: 'integer' },
    created_at: { type: 'string', format: 'date-time' },
  },
} as const;
const problem = { type: 'object', properties: { error: { type: 'string' } } } as const;
const authorId = { type: 'integer', minimum: 1, maximum: 2147483647 } as const;

app.get('/authors', { schema: { response: { 200: { type: 'array', items: author } } } }, async () => {
  const { rows } = await pool.query({
    name: 'fastify-authors',
    text: 'SELECT id, name, bio, country, created_at FROM authors ORDER BY id LIMIT 50',
  });
  return rows;
});

/** An author's books (the guide's read, and the filtered list below): one named statement for both. */
async function booksOf(authorId: number) {
  const { rows } = await pool.query({
    name: 'fastify-books-by-author',
    text: 'SELECT id, title, author_id, created_at FROM books WHERE author_id = $1 ORDER BY id LIMIT 50',
    values: [authorId],
  });
  return rows;
}
const books = { type: 'array', items: book } as const;

app.get<{ Params: { author_id: number } }>(
  '/books/:author_id',
  { schema: { params: { type: 'object', required: ['author_id'], properties: { author_id: authorId } }, response: { 200: books } } },
  (request) => booksOf(request.params.author_id),
);

// The two reads ours serves from a resource declaration (test/bench/workload.ts): one author, books by author.
app.get<{ Params: { id: number } }>(
  '/authors/:id',
  {
    schema: {
      params: { type: 'object', required: ['id'], properties: { id: authorId } },
      response: { 200: author, 404: problem },
    },
  },
  async (request, reply) => {
    const { rows } = await pool.query({
      name: 'fastify-author',
      text: 'SELECT id, name, bio, country, created_at FROM authors WHERE id = $1',
      values: [request.params.id],
    });
    return rows.length ? rows[0] : reply.code(404).send({ error: 'not found' });
  },
);

app.get<{ Querystring: { author_id: number } }>(
  '/books',
  { schema: { querystring: { type: 'object', required: ['author_id'], properties: { author_id: authorId } }, response: { 200: books } } },
  (request) => booksOf(request.query.author_id),
);

app.post<{ Body: { title: string; author_id: number } }>(
  '/books',
  {
    schema: {
      body: {
        type: 'object',
        required: ['title', 'author_id'],
        additionalProperties: false,
        properties: { title: { type: 'string', minLength: 1, maxLength: 200 }, author_id: authorId },
      },
      response: { 201: book, 422: problem },
    },
  },
  async (request, reply) => {
    const { title, author_id } = request.body;
    try {
      const { rows } = await pool.query({
        name: 'fastify-create-book',
        text: 'INSERT INTO books (title, author_id) VALUES ($1, $2) RETURNING id, title, author_id, created_at',
        values: [title, author_id],
      });
      return reply.code(201).send(rows[0]);
    } catch (error) {
      if ((error as { code?: string }).code === '23503') return reply.code(422).send({ error: 'no such author' });
      throw error;
    }
  },
);

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.send?.({ listening: true });
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0));
});
answerTheBench();
