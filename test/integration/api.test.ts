import { request, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@databases/pg';
import { call, startAppOnNewDatabase, type JsonResponse, type TestApp } from '../support/app.ts';
import { expectKeepsDocument, headersOf } from '../support/openapi-responses.ts';

let app: TestApp;

beforeAll(async () => {
  app = await startAppOnNewDatabase();
});
afterAll(() => app?.close());

const isoMicros = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/;
const counts = async () => {
  const [row] = await app.pool.query(
    sql`SELECT (SELECT count(*) FROM authors)::int AS authors, (SELECT count(*) FROM books)::int AS books`,
  );
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
    expect(body.map((b: { title: string }) => b.title)).toEqual(['The Fellowship of the Ring', 'The Two Towers', 'The Return of the King']);
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

  it('GET /authors/{id}/with-books returns the author with books from one SQL query', async () => {
    const { body: authors } = await call(app, 'GET', '/authors');
    const before = app.queries.count;
    const { status, body } = await call(app, 'GET', `/authors/${authors[1].id}/with-books`);
    expect(app.queries.count - before).toBe(1);
    expect(status).toBe(200);
    expect(body.name).toBe('George R.R. Martin');
    expect(body.books.map((b: { title: string }) => b.title)).toEqual(['A Game of Thrones', 'A Clash of Kings']);
    expect(body.books[0].created_at).toMatch(isoMicros);
  });

  it('an author without books includes books: []', async () => {
    const { body: author } = await call(app, 'POST', '/authors', { name: 'No Books Yet' });
    expect((await call(app, 'GET', `/authors/${author.id}/with-books`)).body.books).toEqual([]);
    await call(app, 'DELETE', `/authors/${author.id}`);
  });

  it('GET /authors/{id} has one shape: ?include=books is a 422 naming the parameter, not a second shape', async () => {
    const { status, body } = await call(app, 'GET', '/authors/1?include=books');
    expect(status).toBe(422);
    expect(body.errors).toEqual([{ loc: ['query', 'include'], msg: 'unknown field', type: 'unrecognized_keys' }]);
    expect((await call(app, 'GET', '/authors/987654/with-books')).status).toBe(404);
  });
});

describe('authors and books are declared resources (src/http/resources.ts), served by the engine', () => {
  it('a list filters on indexed columns and refuses the others with the index rule', async () => {
    const { body: authors } = await call(app, 'GET', '/authors');
    const [tolkien, martin] = authors as { id: number }[];
    // books_author_id_idx: GET /books filters on author_id, as GET /books/{author_id} lists.
    const byQuery = await call(app, 'GET', `/books?author_id=${martin!.id}`);
    expect(byQuery.status).toBe(200);
    expect(byQuery.body).toEqual((await call(app, 'GET', `/books/${martin!.id}`)).body);
    const both = await call(app, 'GET', `/authors?id.in=${tolkien!.id},${martin!.id}`);
    expect(both.body.map((a: { id: number }) => a.id)).toEqual([tolkien!.id, martin!.id]);
    // authors.country has no index: a filter on it would scan the table.
    const scan = await call(app, 'GET', '/authors?country=England');
    expect(scan.status).toBe(422);
    expect(scan.body.errors).toEqual([{ loc: ['query', 'country'], msg: expect.stringContaining('has no index'), type: 'not_indexed' }]);
    // The guide's route filters by its path, and pages by id like the lists.
    const filtered = await call(app, 'GET', `/books/${tolkien!.id}?id.gt=0&limit=1`);
    expect(filtered.body).toHaveLength(1);
    expect(filtered.headers.get('link')).toBe(`</books/${tolkien!.id}?id.gt=0&limit=1&after=${filtered.body[0].id}>; rel="next"`);
  });

  it('a book comes with its author from one SQL query (the foreign key gives the relation)', async () => {
    const { body: books } = await call(app, 'GET', '/books?limit=1');
    const before = app.queries.count;
    const { status, body } = await call(app, 'GET', `/books/by-id/${books[0].id}/with-author`);
    expect(app.queries.count - before).toBe(1);
    expect(status).toBe(200);
    expect(body).toMatchObject({ ...books[0], author: { id: books[0].author_id, name: 'J.R.R. Tolkien' } });
  });

  it('the refused delete names the rows that still refer to the author', async () => {
    const { body: authors } = await call(app, 'GET', '/authors?limit=1');
    const { status, body } = await call(app, 'DELETE', `/authors/${authors[0].id}`);
    expect(status).toBe(409);
    expect(body.detail).toBe(`authors ${authors[0].id} still has books (foreign key books_author_id_fkey): delete or change them first`);
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
    expect(response.body.errors).toEqual([{ loc: ['body', 'author_id'], msg: 'refers to no row of authors', type: 'foreign_key' }]);
    const { body: books } = await call(app, 'GET', '/books?limit=1');
    const moved = await call(app, 'PATCH', `/books/by-id/${books[0].id}`, { author_id: 424242 });
    expect(moved.status).toBe(422);
    expect(await counts()).toEqual(before);
  });
});

describe('bad input: a clear 4xx with field detail, and nothing written', () => {
  const long = (n: number) => 'x'.repeat(n);
  const cases: {
    name: string;
    method: string;
    path: string;
    body: unknown;
    headers?: Record<string, string>;
    status: number;
    loc?: (string | number)[];
  }[] = [
    { name: 'name over 100 characters', method: 'POST', path: '/authors', body: { name: long(101) }, status: 422, loc: ['body', 'name'] },
    {
      name: '101 emoji are 101 characters',
      method: 'POST',
      path: '/authors',
      body: { name: '📚'.repeat(101) },
      status: 422,
      loc: ['body', 'name'],
    },
    {
      name: 'country over 100 characters',
      method: 'POST',
      path: '/authors',
      body: { name: 'a', country: long(101) },
      status: 422,
      loc: ['body', 'country'],
    },
    { name: 'missing name', method: 'POST', path: '/authors', body: { bio: 'b' }, status: 422, loc: ['body', 'name'] },
    { name: 'blank name', method: 'POST', path: '/authors', body: { name: '   ' }, status: 422, loc: ['body', 'name'] },
    { name: 'name of the wrong type', method: 'POST', path: '/authors', body: { name: 42 }, status: 422, loc: ['body', 'name'] },
    { name: 'NUL in a name', method: 'POST', path: '/authors', body: { name: 'a\u0000b' }, status: 422, loc: ['body', 'name'] },
    {
      name: 'an unknown field',
      method: 'POST',
      path: '/authors',
      body: { name: 'a', nationality: 'x' },
      status: 422,
      loc: ['body', 'nationality'],
    },
    { name: 'an id in the body', method: 'POST', path: '/authors', body: { id: 1, name: 'a' }, status: 422, loc: ['body', 'id'] },
    { name: 'a JSON array body', method: 'POST', path: '/authors', body: [{ name: 'a' }], status: 422, loc: ['body'] },
    { name: 'an empty patch', method: 'PATCH', path: '/authors/1', body: {}, status: 422, loc: ['body'] },
    {
      name: 'title over 200 characters',
      method: 'POST',
      path: '/books',
      body: { title: long(201), author_id: 1 },
      status: 422,
      loc: ['body', 'title'],
    },
    { name: 'missing author_id', method: 'POST', path: '/books', body: { title: 't' }, status: 422, loc: ['body', 'author_id'] },
    {
      name: 'author_id as a string',
      method: 'POST',
      path: '/books',
      body: { title: 't', author_id: '1' },
      status: 422,
      loc: ['body', 'author_id'],
    },
    {
      name: 'author_id beyond integer',
      method: 'POST',
      path: '/books',
      body: { title: 't', author_id: 3e9 },
      status: 422,
      loc: ['body', 'author_id'],
    },
    {
      name: 'author_id fractional',
      method: 'POST',
      path: '/books',
      body: { title: 't', author_id: 1.5 },
      status: 422,
      loc: ['body', 'author_id'],
    },
    { name: 'malformed JSON', method: 'POST', path: '/authors', body: '{"name": "a",', status: 400 },
    { name: 'a body over the size limit', method: 'POST', path: '/authors', body: { name: 'a', bio: long(20_000) }, status: 413 },
    {
      name: 'a body that is not JSON',
      method: 'POST',
      path: '/authors',
      body: 'name=a',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      status: 415,
    },
    { name: 'no body at all', method: 'POST', path: '/authors', body: undefined, status: 415 },
    {
      name: 'an empty JSON body',
      method: 'POST',
      path: '/authors',
      body: '',
      headers: { 'content-type': 'application/json' },
      status: 422,
      loc: ['body', 'name'],
    },
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

describe('a value of the wrong type: the error says what was expected', () => {
  it.each([
    ['POST', '/authors', { name: 123 }, { loc: ['body', 'name'], msg: 'expected string, got number', type: 'invalid_type' }],
    ['POST', '/authors', { name: 'x', bio: 5 }, { loc: ['body', 'bio'], msg: 'expected string, got number', type: 'invalid_type' }],
    ['POST', '/authors', { name: ['x'] }, { loc: ['body', 'name'], msg: 'expected string, got array', type: 'invalid_type' }],
    ['POST', '/authors', { name: null }, { loc: ['body', 'name'], msg: 'expected string, got null', type: 'invalid_type' }],
    [
      'POST',
      '/books',
      { title: 't', author_id: '3' },
      { loc: ['body', 'author_id'], msg: 'expected number, got string', type: 'invalid_type' },
    ],
    [
      'PATCH',
      '/books/by-id/1',
      { author_id: '3' },
      { loc: ['body', 'author_id'], msg: 'expected number, got string', type: 'invalid_type' },
    ],
    ['POST', '/authors', [{ name: 'a' }], { loc: ['body'], msg: 'expected object, got array', type: 'invalid_type' }],
  ])('%s %s %j', async (method, path, body, error) => {
    const before = await counts();
    const response = await call(app, method, path, body);
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([error]);
    expect(await counts()).toEqual(before);
  });

  it('a deeply nested value is an ordinary wrong type (zod asked for its input would overflow the stack: a 500)', async () => {
    const depth = 5000;
    const response = await call(app, 'POST', '/authors', `{"name":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([{ loc: ['body', 'name'], msg: 'expected string, got array', type: 'invalid_type' }]);
  });

  it('a field that is absent is still "field required"', async () => {
    const response = await call(app, 'POST', '/books', { title: 't' });
    expect(response.body.errors).toEqual([{ loc: ['body', 'author_id'], msg: 'field required', type: 'missing' }]);
  });

  it('?limit=1&limit=2 says the parameter was repeated', async () => {
    const response = await call(app, 'GET', '/authors?limit=1&limit=2');
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([{ loc: ['query', 'limit'], msg: 'must be given once, got 2 values', type: 'invalid_type' }]);
  });
});

/**
 * A body that is valid JSON but not an object (a string, a number, true,
 * null) is a 422 at ["body"], like an array: the JSON parsed, the value is of
 * the wrong type. Only text that does not parse is a 400 "Malformed JSON".
 */
describe('a JSON body that is not an object', () => {
  it.each([
    ['"x"', 'string'],
    ['null', 'null'],
    ['42', 'number'],
    ['true', 'boolean'],
  ])('POST /authors with %s is a 422: expected object, got %s', async (text, kind) => {
    const before = await counts();
    const response = await call(app, 'POST', '/authors', text);
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(response.body).toMatchObject({ status: 422, title: 'Validation Failed' });
    expect(response.body.errors).toEqual([{ loc: ['body'], msg: `expected object, got ${kind}`, type: 'invalid_type' }]);
    expect(await counts()).toEqual(before);
  });

  it('PATCH with null is a 422 too, and changes nothing', async () => {
    const response = await call(app, 'PATCH', '/authors/1', 'null');
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([{ loc: ['body'], msg: 'expected object, got null', type: 'invalid_type' }]);
  });
});

describe('a body that is not valid UTF-8', () => {
  /** The bytes as they are (a string would go as UTF-8). */
  const postBytes = async (path: string, bytes: Buffer, contentType = 'application/json') => {
    const response = await call(app, 'POST', path, bytes, { 'content-type': contentType });
    return { status: response.status, type: response.headers.get('content-type'), body: response.body as JsonResponse['body'] };
  };

  it.each([
    ['a\\xff\\xfeb', Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('b"}')])],
    ['a lone continuation byte', Buffer.concat([Buffer.from('{"name":"x","bio":"'), Buffer.from([0x80]), Buffer.from('"}')])],
    ['a truncated sequence (é cut)', Buffer.concat([Buffer.from('{"name":"caf'), Buffer.from([0xc3]), Buffer.from('"}')])],
    ['an overlong encoding of "/"', Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')])],
    ['a UTF-8-encoded surrogate', Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')])],
  ])('%s is a 400, and nothing is written', async (_name, bytes) => {
    const before = await counts();
    for (const contentType of ['application/json', 'application/json; charset=utf-8']) {
      const response = await postBytes('/authors', bytes, contentType);
      expect(response.status).toBe(400);
      expect(response.type).toBe('application/problem+json; charset=utf-8');
      expect(response.body).toMatchObject({ status: 400, title: 'Invalid Encoding' });
      expect(response.body.detail).toContain('not valid UTF-8');
    }
    expect(await counts()).toEqual(before);
  });

  it('valid multi-byte UTF-8 is stored as sent', async () => {
    const response = await postBytes('/authors', Buffer.from(JSON.stringify({ name: 'Zoë 📚 €' }), 'utf8'));
    expect(response.status).toBe(201);
    expect(response.body.name).toBe('Zoë 📚 €');
    await call(app, 'DELETE', `/authors/${response.body.id}`);
  });
});

/** Any method, over node:http (fetch refuses TRACE). */
async function send(method: string, path: string, body?: string): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  const { port } = new URL(app.baseUrl);
  return new Promise<{ status: number; headers: IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  }).then(async (response) => {
    await expectKeepsDocument(app.baseUrl, {
      method,
      path,
      status: response.status,
      headers: headersOf(response.headers),
      text: response.text,
    });
    return response;
  });
}

describe('methods: 405 with Allow on a known path, OPTIONS, HEAD', () => {
  it.each([
    ['PUT', '/authors/2', '{"name":"x"}', 'GET, HEAD, PATCH, DELETE, OPTIONS'],
    ['PUT', '/authors/2', undefined, 'GET, HEAD, PATCH, DELETE, OPTIONS'],
    ['TRACE', '/authors', undefined, 'GET, HEAD, POST, OPTIONS'],
    ['DELETE', '/authors', undefined, 'GET, HEAD, POST, OPTIONS'],
    ['PATCH', '/authors/', '{"name":"x"}', 'GET, HEAD, POST, OPTIONS'],
    ['POST', '/books/by-id/1', '{"title":"x","author_id":1}', 'GET, HEAD, PATCH, DELETE, OPTIONS'],
    ['POST', '/books/1', '{}', 'GET, HEAD, OPTIONS'],
    ['DELETE', '/healthz', undefined, 'GET, HEAD, OPTIONS'],
    ['POST', '/openapi.json', '{}', 'GET, HEAD, OPTIONS'],
    ['DELETE', '/docs', undefined, 'GET, HEAD, OPTIONS'],
  ] as [string, string, string | undefined, string][])('%s %s is a 405 with Allow: %s', async (method, path, body, allow) => {
    const before = await counts();
    const response = await send(method, path, body);
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe(allow);
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(JSON.parse(response.text)).toMatchObject({ status: 405, title: 'Method Not Allowed' });
    expect(JSON.parse(response.text).detail).toContain(allow);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['PUT', '/nope'],
    ['TRACE', '/books/1/extra'],
    ['GET', '/docs/assets/package.json'],
    ['OPTIONS', '/nope'],
  ])('%s %s (no such path) stays a 404', async (method, path) => {
    const response = await send(method, path);
    expect(response.status).toBe(404);
    expect(response.headers.allow).toBeUndefined();
  });

  it.each([
    ['/authors', 'GET, HEAD, POST, OPTIONS'],
    ['/authors/2', 'GET, HEAD, PATCH, DELETE, OPTIONS'],
    ['/books/by-id/7', 'GET, HEAD, PATCH, DELETE, OPTIONS'],
    ['/books/3', 'GET, HEAD, OPTIONS'],
    ['/readyz', 'GET, HEAD, OPTIONS'],
  ])('OPTIONS %s is a 204 with Allow: %s', async (path, allow) => {
    const response = await send('OPTIONS', path);
    expect(response.status).toBe(204);
    expect(response.headers.allow).toBe(allow);
    expect(response.text).toBe('');
  });

  it.each(['/authors', '/authors/1', '/books/1', '/books/by-id/1', '/healthz', '/openapi.json', '/docs', '/docs/assets/swagger-ui.css'])(
    'HEAD %s answers as GET does, without a body',
    async (path) => {
      const [head, get] = [await send('HEAD', path), await send('GET', path)];
      expect(head.status).toBe(200);
      expect(head.status).toBe(get.status);
      expect(head.headers['content-type']).toBe(get.headers['content-type']);
      expect(head.text).toBe('');
    },
  );
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
    expect(
      (await call(app, 'GET', '/healthz', undefined, { 'x-request-id': 'no spaces <script>' })).headers.get('x-request-id'),
    ).not.toContain(' ');
  });

  it('hardens response headers', async () => {
    const { headers } = await call(app, 'GET', '/authors');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(headers.get('x-powered-by')).toBeNull();
  });

  it('/docs/assets/ serves the files the page loads and nothing else of swagger-ui-dist', async () => {
    for (const [file, type] of [
      ['swagger-ui.css', 'text/css; charset=utf-8'],
      ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
      ['favicon-32x32.png', 'image/png'],
    ]) {
      const response = await fetch(`${app.baseUrl}/docs/assets/${file}`);
      expect(response.status, file).toBe(200);
      expect(response.headers.get('content-type'), file).toBe(type);
      expect((await response.arrayBuffer()).byteLength, file).toBeGreaterThan(0);
    }
    for (const file of [
      'package.json',
      'README.md',
      'index.html',
      'swagger-ui-bundle.js.map',
      'swagger-ui.js',
      'swagger-initializer.js',
      'oauth2-redirect.html',
      'LICENSE',
      '',
      '..%2fpackage.json',
      '%2e%2e/%2e%2e/package.json',
    ]) {
      const response = await call(app, 'GET', `/docs/assets/${file}`);
      expect(response.status, file).toBe(404);
      expect(response.headers.get('content-type'), file).toBe('application/problem+json; charset=utf-8');
    }
  });

  it('GET /openapi.json is an OpenAPI 3.1 document of every route', async () => {
    const { status, body } = await call(app, 'GET', '/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths).sort()).toEqual([
      '/authors',
      '/authors/{id}',
      '/authors/{id}/with-books',
      '/books',
      '/books/by-id/{id}',
      '/books/by-id/{id}/with-author',
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
    // Node answers these before the app, and the document declares them all the same.
    const [head = '', text = ''] = response.split('\r\n\r\n');
    const headers = new Headers(
      head
        .split('\r\n')
        .slice(1)
        .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()] as [string, string]),
    );
    await expectKeepsDocument(app.baseUrl, { method: 'GET', path: '/authors', status, headers, text });
    expect(response.toLowerCase()).toContain('content-type: application/problem+json');
    expect(JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4))).toMatchObject({ status });
  });
});

describe('timestamps', () => {
  it('always have six fractional digits, where Postgres trims trailing zeros (lists, one row, nested rows)', async () => {
    const { body: created } = await call(app, 'POST', '/authors', { name: 'Six Digits' });
    await app.pool.query(sql`UPDATE authors SET created_at = '2026-01-02 03:04:05.12+00' WHERE id = ${created.id}`);
    const { body: book } = await call(app, 'POST', '/books', { title: 'Whole Seconds', author_id: created.id });
    await app.pool.query(sql`UPDATE books SET created_at = '2026-01-02 03:04:05+00' WHERE id = ${book.id}`);

    const { body: list } = await call(app, 'GET', '/authors?limit=100');
    expect(list.find((a: { id: number }) => a.id === created.id).created_at).toBe('2026-01-02T03:04:05.120000+00:00');
    expect((await call(app, 'GET', `/authors/${created.id}`)).body.created_at).toBe('2026-01-02T03:04:05.120000+00:00');
    const { body: withBooks } = await call(app, 'GET', `/authors/${created.id}/with-books`);
    expect(withBooks.created_at).toBe('2026-01-02T03:04:05.120000+00:00');
    expect(withBooks.books[0].created_at).toBe('2026-01-02T03:04:05.000000+00:00');
    expect((await call(app, 'GET', `/books/${created.id}`)).body[0].created_at).toBe('2026-01-02T03:04:05.000000+00:00');
    expect((await call(app, 'GET', `/books/by-id/${book.id}`)).body.created_at).toBe('2026-01-02T03:04:05.000000+00:00');
    expect((await call(app, 'PATCH', `/books/by-id/${book.id}`, { title: 'Still Whole' })).body.created_at).toBe(
      '2026-01-02T03:04:05.000000+00:00',
    );
  });
});
