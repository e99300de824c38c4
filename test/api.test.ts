import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@databases/pg';
import { call, startAppOnNewDatabase, type TestApp } from './support/app.ts';

let app: TestApp;

beforeAll(async () => {
  app = await startAppOnNewDatabase();
});
afterAll(() => app?.close());

const isoMicros = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?\+00:00$/;
const counts = async () => {
  const [row] = await app.pool.query(sql`SELECT (SELECT count(*) FROM authors)::int AS authors, (SELECT count(*) FROM books)::int AS books`);
  return row as { authors: number; books: number };
};

describe('the guide’s endpoints', () => {
  it('GET /authors and /authors/ list the seeded authors in the guide’s shape', async () => {
    for (const path of ['/authors', '/authors/']) {
      const { status, body, headers } = await call(app, 'GET', path);
      expect(status).toBe(200);
      expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(body.map((a: { name: string }) => a.name)).toEqual(['J.R.R. Tolkien', 'George R.R. Martin', 'J.K. Rowling']);
      expect(Object.keys(body[0]).sort()).toEqual(['bio', 'country', 'created_at', 'id', 'name']);
      expect(body[0].created_at).toMatch(isoMicros);
      expect(body[0].country).toBeNull();
    }
  });

  it('GET /books/{author_id} lists that author’s books', async () => {
    const { body: authors } = await call(app, 'GET', '/authors');
    const { status, body } = await call(app, 'GET', `/books/${authors[0].id}`);
    expect(status).toBe(200);
    expect(body.map((b: { title: string }) => b.title)).toEqual([
      'The Fellowship of the Ring',
      'The Two Towers',
      'The Return of the King',
    ]);
    expect(Object.keys(body[0]).sort()).toEqual(['author_id', 'created_at', 'id', 'title']);
    expect(body[0].created_at).toMatch(isoMicros);
  });

  it('GET /books/{author_id} for an unknown author is []', async () => {
    expect(await call(app, 'GET', '/books/987654')).toMatchObject({ status: 200, body: [] });
  });

  it.each(['abc', '0', '-1', '1.5', '99999999999', '2147483648', '1e3', '%20'])(
    'GET /books/%s is a 422 naming path.author_id',
    async (id) => {
      const { status, body, headers } = await call(app, 'GET', `/books/${id}`);
      expect(status).toBe(422);
      expect(headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(body).toMatchObject({ status: 422, title: 'Validation Failed' });
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0].loc).toEqual(['path', 'author_id']);
      expect(typeof body.errors[0].msg).toBe('string');
    },
  );
});

describe('authors CRUD', () => {
  it('creates, reads, updates partially and deletes an author', async () => {
    const created = await call(app, 'POST', '/authors', { name: 'Ursula K. Le Guin', bio: 'Earthsea.' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Ursula K. Le Guin', bio: 'Earthsea.', country: null });
    expect(created.headers.get('location')).toBe(`/authors/${created.body.id}`);

    expect(await call(app, 'GET', `/authors/${created.body.id}`)).toMatchObject({ status: 200, body: created.body });

    const patched = await call(app, 'PATCH', `/authors/${created.body.id}`, { country: 'United States' });
    expect(patched).toMatchObject({ status: 200, body: { ...created.body, country: 'United States' } });

    expect((await call(app, 'DELETE', `/authors/${created.body.id}`)).status).toBe(204);
    expect(await call(app, 'GET', `/authors/${created.body.id}`)).toMatchObject({ status: 404, body: { status: 404 } });
    expect((await call(app, 'DELETE', `/authors/${created.body.id}`)).status).toBe(404);
    expect((await call(app, 'PATCH', `/authors/${created.body.id}`, { name: 'x' })).status).toBe(404);
  });

  it('refuses to delete an author who has books (409) and keeps everything', async () => {
    const before = await counts();
    const { body: authors } = await call(app, 'GET', '/authors');
    const response = await call(app, 'DELETE', `/authors/${authors[0].id}`);
    expect(response).toMatchObject({ status: 409, body: { title: 'Conflict' } });
    expect(response.body.detail).toContain('still has books');
    expect(await counts()).toEqual(before);
  });

  it('GET /authors/{id}?include=books returns the author with books from one SQL query', async () => {
    const { body: authors } = await call(app, 'GET', '/authors');
    const before = app.queries.count;
    const { status, body } = await call(app, 'GET', `/authors/${authors[1].id}?include=books`);
    expect(app.queries.count - before).toBe(1);
    expect(status).toBe(200);
    expect(body.name).toBe('George R.R. Martin');
    expect(body.books.map((b: { title: string }) => b.title)).toEqual(['A Game of Thrones', 'A Clash of Kings']);
    expect(body.books[0].created_at).toMatch(isoMicros);
  });

  it('an author without books includes books: []', async () => {
    const { body: author } = await call(app, 'POST', '/authors', { name: 'No Books Yet' });
    expect((await call(app, 'GET', `/authors/${author.id}?include=books`)).body.books).toEqual([]);
    await call(app, 'DELETE', `/authors/${author.id}`);
  });
});

describe('books CRUD', () => {
  it('creates, reads, updates and deletes a book', async () => {
    const { body: authors } = await call(app, 'GET', '/authors');
    const created = await call(app, 'POST', '/books', { title: 'The Hobbit', author_id: authors[0].id });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/books/by-id/${created.body.id}`);
    expect(await call(app, 'GET', `/books/by-id/${created.body.id}`)).toMatchObject({ status: 200, body: created.body });

    const moved = await call(app, 'PATCH', `/books/by-id/${created.body.id}`, { author_id: authors[2].id });
    expect(moved).toMatchObject({ status: 200, body: { title: 'The Hobbit', author_id: authors[2].id } });

    expect((await call(app, 'DELETE', `/books/by-id/${created.body.id}`)).status).toBe(204);
    expect((await call(app, 'GET', `/books/by-id/${created.body.id}`)).status).toBe(404);
  });

  it('a book for an author who does not exist is a 422 on body.author_id, and nothing is written', async () => {
    const before = await counts();
    const response = await call(app, 'POST', '/books', { title: 'Orphan', author_id: 424242 });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([{ loc: ['body', 'author_id'], msg: 'author 424242 does not exist', type: 'foreign_key' }]);
    const { body: books } = await call(app, 'GET', '/books?limit=1');
    const moved = await call(app, 'PATCH', `/books/by-id/${books[0].id}`, { author_id: 424242 });
    expect(moved.status).toBe(422);
    expect(await counts()).toEqual(before);
  });
});

describe('bad input: a clear 4xx with field detail, and nothing written', () => {
  const long = (n: number) => 'x'.repeat(n);
  const cases: { name: string; method: string; path: string; body: unknown; headers?: Record<string, string>; status: number; loc?: (string | number)[] }[] = [
    { name: 'name over 100 characters', method: 'POST', path: '/authors', body: { name: long(101) }, status: 422, loc: ['body', 'name'] },
    { name: '101 emoji are 101 characters', method: 'POST', path: '/authors', body: { name: '📚'.repeat(101) }, status: 422, loc: ['body', 'name'] },
    { name: 'country over 100 characters', method: 'POST', path: '/authors', body: { name: 'a', country: long(101) }, status: 422, loc: ['body', 'country'] },
    { name: 'missing name', method: 'POST', path: '/authors', body: { bio: 'b' }, status: 422, loc: ['body', 'name'] },
    { name: 'blank name', method: 'POST', path: '/authors', body: { name: '   ' }, status: 422, loc: ['body', 'name'] },
    { name: 'name of the wrong type', method: 'POST', path: '/authors', body: { name: 42 }, status: 422, loc: ['body', 'name'] },
    { name: 'NUL in a name', method: 'POST', path: '/authors', body: { name: 'a\u0000b' }, status: 422, loc: ['body', 'name'] },
    { name: 'an unknown field', method: 'POST', path: '/authors', body: { name: 'a', nationality: 'x' }, status: 422, loc: ['body', 'nationality'] },
    { name: 'an id in the body', method: 'POST', path: '/authors', body: { id: 1, name: 'a' }, status: 422, loc: ['body', 'id'] },
    { name: 'a JSON array body', method: 'POST', path: '/authors', body: [{ name: 'a' }], status: 422, loc: ['body'] },
    { name: 'an empty patch', method: 'PATCH', path: '/authors/1', body: {}, status: 422, loc: ['body'] },
    { name: 'title over 200 characters', method: 'POST', path: '/books', body: { title: long(201), author_id: 1 }, status: 422, loc: ['body', 'title'] },
    { name: 'missing author_id', method: 'POST', path: '/books', body: { title: 't' }, status: 422, loc: ['body', 'author_id'] },
    { name: 'author_id as a string', method: 'POST', path: '/books', body: { title: 't', author_id: '1' }, status: 422, loc: ['body', 'author_id'] },
    { name: 'author_id beyond integer', method: 'POST', path: '/books', body: { title: 't', author_id: 3e9 }, status: 422, loc: ['body', 'author_id'] },
    { name: 'author_id fractional', method: 'POST', path: '/books', body: { title: 't', author_id: 1.5 }, status: 422, loc: ['body', 'author_id'] },
    { name: 'malformed JSON', method: 'POST', path: '/authors', body: '{"name": "a",', status: 400 },
    { name: 'a body over the size limit', method: 'POST', path: '/authors', body: { name: 'a', bio: long(20_000) }, status: 413 },
    { name: 'a body that is not JSON', method: 'POST', path: '/authors', body: 'name=a', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415 },
    { name: 'a bad id in the path', method: 'PATCH', path: '/books/by-id/x', body: { title: 't' }, status: 422, loc: ['path', 'id'] },
  ];

  it.each(cases)('$name → $status', async ({ method, path, body, headers, status, loc }) => {
    const before = await counts();
    const response = await call(app, method, path, body, headers);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(response.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
    if (loc) expect(response.body.errors.map((e: { loc: unknown }) => e.loc)).toContainEqual(loc);
    expect(await counts()).toEqual(before);
  });

  it('accepts exactly 100 characters (emoji count as one, as in Postgres)', async () => {
    const response = await call(app, 'POST', '/authors', { name: '📚'.repeat(100) });
    expect(response.status).toBe(201);
    expect([...response.body.name]).toHaveLength(100);
    await call(app, 'DELETE', `/authors/${response.body.id}`);
  });

  it('an unknown route is a 404 problem', async () => {
    expect(await call(app, 'GET', '/nope')).toMatchObject({ status: 404, body: { status: 404, title: 'Not Found' } });
  });
});

describe('pagination', () => {
  beforeAll(async () => {
    for (let i = 0; i < 55; i++) await call(app, 'POST', '/authors', { name: `Paged ${i}` });
  });

  it('has a default limit of 50 and a Link to the next page', async () => {
    const { body, headers } = await call(app, 'GET', '/authors');
    expect(body).toHaveLength(50);
    expect(headers.get('link')).toBe(`</authors?limit=50&after=${body[49].id}>; rel="next"`);
  });

  it('following Link rel=next visits every author once, in id order', async () => {
    const seen: number[] = [];
    let next: string | undefined = '/authors?limit=7';
    while (next) {
      const { body, headers } = await call(app, 'GET', next);
      seen.push(...body.map((a: { id: number }) => a.id));
      next = /<([^>]+)>; rel="next"/.exec(headers.get('link') ?? '')?.[1];
    }
    const [{ n }] = await app.pool.query(sql`SELECT count(*)::int AS n FROM authors`);
    expect(seen).toHaveLength(n);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('a short last page has no Link', async () => {
    const { body, headers } = await call(app, 'GET', '/authors?limit=200');
    expect(body.length).toBeLessThan(200);
    expect(headers.get('link')).toBeNull();
  });

  it('pages an author’s books too', async () => {
    const { body: authors } = await call(app, 'GET', '/authors?limit=1');
    const first = await call(app, 'GET', `/books/${authors[0].id}?limit=2`);
    expect(first.body).toHaveLength(2);
    const rest = await call(app, 'GET', `/books/${authors[0].id}?limit=2&after=${first.body[1].id}`);
    expect(rest.body.map((b: { title: string }) => b.title)).toEqual(['The Return of the King']);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=abc', 'limit'],
    ['after=-3', 'after'],
    ['limit=1&limit=2', 'limit'],
    ['cursor=3', 'cursor'],
  ])('?%s is a 422 naming query.%s', async (query, field) => {
    const { status, body } = await call(app, 'GET', `/authors?${query}`);
    expect(status).toBe(422);
    expect(body.errors.map((e: { loc: unknown }) => e.loc)).toContainEqual(['query', field]);
  });
});

describe('operations and docs', () => {
  it('GET /healthz and /readyz answer ok', async () => {
    expect(await call(app, 'GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await call(app, 'GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('every response carries a request id, and a sane incoming one is kept', async () => {
    expect((await call(app, 'GET', '/healthz')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await call(app, 'GET', '/healthz', undefined, { 'x-request-id': 'abc-123' })).headers.get('x-request-id')).toBe('abc-123');
    expect((await call(app, 'GET', '/healthz', undefined, { 'x-request-id': 'no spaces <script>' })).headers.get('x-request-id')).not.toContain(' ');
  });

  it('hardens response headers', async () => {
    const { headers } = await call(app, 'GET', '/authors');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(headers.get('x-powered-by')).toBeNull();
  });

  it('GET /openapi.json is an OpenAPI 3.1 document of every route', async () => {
    const { status, body } = await call(app, 'GET', '/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths).sort()).toEqual([
      '/authors',
      '/authors/{id}',
      '/books',
      '/books/by-id/{id}',
      '/books/{author_id}',
      '/healthz',
      '/readyz',
    ]);
    expect(Object.keys(body.paths['/authors/{id}']).sort()).toEqual(['delete', 'get', 'patch']);
    expect(body.components.schemas.NewAuthor.properties.name.maxLength).toBe(100);
    expect(body.components.schemas.NewBook.properties.title.maxLength).toBe(200);
    expect(body.paths['/books/{author_id}'].get.parameters[0]).toMatchObject({ name: 'author_id', in: 'path' });
  });
});

describe('errors Node answers before Express', () => {
  /** One raw HTTP exchange: what curl or a broken client might send. */
  async function raw(request: string): Promise<string> {
    const { connect } = await import('node:net');
    const { port } = new URL(app.baseUrl);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end(request));
      let response = '';
      socket.on('data', (chunk) => (response += chunk.toString()));
      socket.on('end', () => resolve(response));
      socket.on('error', reject);
    });
  }

  it.each([
    ['malformed HTTP', 'GET /authors HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 400],
    ['headers over the limit', `GET /authors HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ['an unknown Expect', 'GET /authors HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nConnection: close\r\n\r\n', 417],
  ])('%s is a %i problem', async (_name, request, status) => {
    const response = await raw(request);
    expect(response).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(response.toLowerCase()).toContain('content-type: application/problem+json');
    expect(JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4))).toMatchObject({ status });
  });
});
