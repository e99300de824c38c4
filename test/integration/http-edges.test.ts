import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { sql } from '@databases/pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { HttpTimeouts } from '../../src/http/http-server.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { expectKeepsDocument } from '../support/openapi-responses.ts';
import { createDatabase, dropDatabase } from '../support/postgres.ts';

/**
 * Issue 20, item 8: the HTTP edge cases an independent fuzzer and raw-socket
 * probes found, each tried here as they were found (node:net for what fetch
 * cannot send), each against the real app over a real database.
 */
const timeouts: HttpTimeouts = { HTTP_HEADERS_TIMEOUT_MS: 400, HTTP_REQUEST_TIMEOUT_MS: 800, HTTP_KEEP_ALIVE_TIMEOUT_MS: 2_000 };
const token = 'edge-case-token-0123456789';
const logLines: { reqId?: string; status?: number; msg?: string }[] = [];
const logger = pino(
  { level: 'info' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as (typeof logLines)[number]);
      done();
    },
  }),
);
const adminUrl = inject('adminUrl');
let url: string;
/** Writes open (no tokens), as on the embedded database. */
let app: TestApp;
/** The same database behind API_TOKENS. */
let secured: TestApp;

beforeAll(async () => {
  url = await createDatabase(adminUrl);
  app = await startApp(url, { seeded: true, timeouts, logger });
  secured = await startApp(url, { auth: { tokens: [token] } });
});
afterAll(async () => {
  await secured?.close();
  await app?.close();
  await dropDatabase(adminUrl, url);
});

/** What a client that sends `request` (all at once) receives before the server closes the connection. */
function exchange(request: string | Buffer, { base = app.baseUrl, waitMs = 10_000 } = {}): Promise<{ received: string; closed: boolean }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(request));
    let received = '';
    const timer = setTimeout(() => (socket.destroy(), resolve({ received, closed: false })), waitMs);
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('close', () => (clearTimeout(timer), resolve({ received, closed: true })));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
  });
}

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The HTTP/1.1 answers in `received`, in order (Content-Length bodies only, as this API sends). */
function answers(received: string): RawAnswer[] {
  const found: RawAnswer[] = [];
  let rest = received;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(
      lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    const length = Number(headers['content-length'] ?? 0);
    found.push({ status: Number(statusLine!.split(' ')[1]), headers, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
  return found;
}

const json = (body: unknown) => JSON.stringify(body);
const post = (path: string, body: string, extra = '') =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

/** An answer made before routing is like every other: problem body, hardened headers, request id, a log line. */
function expectLikeEveryAnswer(answer: RawAnswer | undefined, status: number) {
  expect(answer, 'an answer').toBeDefined();
  expect(answer!.status).toBe(status);
  expect(answer!.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(JSON.parse(answer!.body)).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(answer!.headers['x-content-type-options']).toBe('nosniff');
  expect(answer!.headers['content-security-policy']).toContain("default-src 'self'");
  const reqId = answer!.headers['x-request-id'];
  expect(reqId).toMatch(/^[\w.:-]{1,64}$/);
  expect(
    logLines.find((line) => line.reqId === reqId),
    `a log line for ${reqId}`,
  ).toMatchObject({ status });
}

describe('pipelined requests', () => {
  it.each([
    ['a bad Content-Length', 'GET /authors HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 400],
    ['oversized headers', `GET /authors HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
  ])(
    'a later request with %s: the earlier POST is answered first, then the error, then the connection closes',
    async (_case, bad, status) => {
      const name = `Pipelined ${status}`;
      const { received, closed } = await exchange(post('/authors', json({ name })) + bad);
      const [first, second, ...more] = answers(received);
      expect(first?.status, received.slice(0, 300)).toBe(201);
      expect(JSON.parse(first!.body)).toMatchObject({ name });
      expectLikeEveryAnswer(second, status);
      expect(more).toEqual([]);
      expect(closed).toBe(true);
    },
  );
});

describe('answers made before routing carry the headers, a request id and a log line', () => {
  it('400 from the HTTP parser', async () => {
    const [answer] = answers((await exchange('GET /authors HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n')).received);
    expectLikeEveryAnswer(answer, 400);
  });

  it('a missing Host: 400 with a problem body (not an empty chunked one)', async () => {
    const { received, closed } = await exchange('GET /authors HTTP/1.1\r\n\r\n');
    const [answer] = answers(received);
    expectLikeEveryAnswer(answer, 400);
    expect(JSON.parse(answer!.body).detail).toContain('Host');
    expect(answer!.headers['transfer-encoding']).toBeUndefined();
    expect(closed).toBe(true);
    // HTTP/1.0 has no Host requirement.
    expect(answers((await exchange('GET /healthz HTTP/1.0\r\n\r\n')).received)[0]?.status).toBe(200);
  });

  it('408 for a request that does not arrive in time', async () => {
    const [answer] = answers((await exchange('GET /authors HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n')).received);
    expectLikeEveryAnswer(answer, 408);
  });

  it('417 for an Expect the server does not know', async () => {
    const [answer] = answers((await exchange('GET /authors HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\n\r\n')).received);
    expectLikeEveryAnswer(answer, 417);
  });

  it('431 for headers too large', async () => {
    const [answer] = answers((await exchange(`GET /authors HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).received);
    expectLikeEveryAnswer(answer, 431);
  });

  it('CONNECT is answered (405), not dropped', async () => {
    const { received, closed } = await exchange('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    const [answer] = answers(received);
    expectLikeEveryAnswer(answer, 405);
    expect(answer!.headers.allow).toBeDefined();
    expect(closed).toBe(true);
  });

  it('Expect: 100-continue with a body over the limit: 413 at once, no 100 Continue', async () => {
    const { received } = await exchange(
      'POST /authors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n',
    );
    expect(received).not.toContain('100 Continue');
    expectLikeEveryAnswer(answers(received)[0], 413);
  });

  it('Expect: 100-continue with a body within the limit: 100 Continue, then the request is served', async () => {
    const body = json({ name: 'Continued' });
    const { port } = new URL(app.baseUrl);
    const received = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write(
          `POST /authors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
        ),
      );
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
        if (text.startsWith('HTTP/1.1 100 Continue\r\n\r\n') && !text.includes('201')) socket.write(body);
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(received).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 201 Created\r\n/);
  });
});

describe('requests the app refuses, as it should', () => {
  const send = async (
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = { 'content-type': 'application/json' },
    base = app.baseUrl,
  ) => {
    const response = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    await expectKeepsDocument(base, { method, path, status: response.status, headers: response.headers, text });
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as { errors?: { loc: unknown[]; msg: string; type: string }[]; detail?: string }) : undefined,
    };
  };

  it.each([
    ['U+200B (zero-width space)', '\u200b', 'blank'],
    ['U+0085 (next line)', '\u0085', 'control'],
    ['U+001C (file separator)', '\u001c', 'control'],
    ['ESC in a name', 'A\u001bB', 'control'],
    ['U+0001 in a name', 'A\u0001', 'control'],
    ['ideographic space and BOM', '\u3000\ufeff', 'blank'],
  ])('a name of %s is refused', async (_case, name, why) => {
    const answer = await send('POST', '/authors', json({ name }));
    expect(answer.status).toBe(422);
    expect(answer.body!.errors).toEqual([{ loc: ['body', 'name'], msg: expect.stringContaining(why), type: 'custom' }]);
  });

  it('a visible name with inner spaces and non-Latin letters is accepted', async () => {
    expect((await send('POST', '/authors', json({ name: '  Лев Толстой 托尔斯泰 ' }))).status).toBe(201);
  });

  it('{"author_id": 1e400} says the number is too large, not "expected number, got number"', async () => {
    const answer = await send('POST', '/books', '{"title":"Huge","author_id":1e400}');
    expect(answer.status).toBe(422);
    expect(answer.body!.errors).toEqual([
      { loc: ['body', 'author_id'], msg: expect.stringContaining('finite number'), type: 'invalid_type' },
    ]);
  });

  it('an 11-digit id gets the same range message as a 10-digit one', async () => {
    const ten = await send('GET', '/authors/9999999999');
    const eleven = await send('GET', '/authors/99999999999');
    const hundred = await send('GET', `/authors/${'9'.repeat(100)}`);
    expect(ten.status).toBe(422);
    expect(eleven.body!.errors).toEqual(ten.body!.errors);
    expect(hundred.body!.errors).toEqual(ten.body!.errors);
    expect(ten.body!.errors![0]!.msg).toBe('must be between 1 and 2147483647');
  });

  it('error lists are capped, saying how many more', async () => {
    const body = Object.fromEntries([['name', 'Many'], ...Array.from({ length: 1000 }, (_, i) => [`u${i}`, i])]);
    const answer = await send('POST', '/authors', json(body));
    expect(answer.status).toBe(422);
    expect(answer.body!.errors).toHaveLength(20);
    expect(answer.body!.errors!.at(-1)).toEqual({ loc: [], msg: 'and 981 more errors, not listed', type: 'too_many_errors' });
  });

  it('2,000 query parameters: a short 422 saying how many, not a 74 KB list of the 1,000 Express kept', async () => {
    const query = Array.from({ length: 2000 }, (_, i) => `p${i}=1`).join('&');
    const answer = await send('GET', `/authors?${query}`);
    expect(answer.status).toBe(422);
    expect(answer.body!.errors).toEqual([
      { loc: ['query'], msg: 'too many query parameters: 2000 (at most 50)', type: 'too_many_parameters' },
    ]);
  });

  it('routes match case-sensitively: /AUTHORS is 404', async () => {
    expect((await send('GET', '/AUTHORS')).status).toBe(404);
    expect((await send('GET', '/Openapi.json')).status).toBe(404);
    expect((await send('GET', '/authors')).status).toBe(200);
  });

  it.each(['utf-16', 'utf-16le', 'utf-32', 'latin1'])('charset=%s is 415, like latin1', async (charset) => {
    const answer = await send('POST', '/authors', json({ name: 'Charset' }), { 'content-type': `application/json; charset=${charset}` });
    expect(answer.status).toBe(415);
    expect(answer.body!.detail).toContain('UTF-8');
  });

  it('charset=utf-8 (any case, quoted) is accepted', async () => {
    expect((await send('POST', '/authors', json({ name: 'Utf8' }), { 'content-type': 'application/json; charset="UTF-8"' })).status).toBe(
      201,
    );
  });

  it('with API_TOKENS, a write to an unknown path is 404 (not 401); to a known one 401', async () => {
    expect((await send('POST', '/nope', json({}), undefined, secured.baseUrl)).status).toBe(404);
    expect((await send('DELETE', '/authors/1/nope', undefined, {}, secured.baseUrl)).status).toBe(404);
    expect((await send('POST', '/authors', json({ name: 'No token' }), undefined, secured.baseUrl)).status).toBe(401);
  });
});

describe('the document says what this server enforces', () => {
  it('no bearerAuth, no security requirement and no 401 where writes are open; all of them where tokens are set', async () => {
    const open = (await (await fetch(`${app.baseUrl}/openapi.json`)).json()) as {
      components: Record<string, Record<string, unknown>>;
      paths: Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown> }>>;
    };
    expect(open.components.securitySchemes ?? {}).toEqual({});
    expect(open.components.responses!.Unauthorized).toBeUndefined();
    for (const [path, item] of Object.entries(open.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        expect(operation.security, `${method} ${path}`).toEqual([]);
        expect(operation.responses['401'], `${method} ${path}`).toBeUndefined();
      }
    }
    const closed = (await (await fetch(`${secured.baseUrl}/openapi.json`)).json()) as typeof open;
    expect(Object.keys(closed.components.securitySchemes!)).toEqual(['bearerAuth']);
    expect(closed.paths['/authors']!.post!.security).toEqual([{ bearerAuth: [] }]);
    expect(closed.paths['/authors']!.post!.responses['401']).toBeDefined();
    expect(closed.paths['/authors']!.get!.security).toEqual([]);
  });

  it('the pipelined authors exist (the pipelined POSTs were executed once each)', async () => {
    const rows = await app.pool.query(sql`SELECT name FROM authors WHERE name LIKE 'Pipelined %' ORDER BY name`);
    expect(rows.map((row) => row.name)).toEqual(['Pipelined 400', 'Pipelined 431']);
  });
});
