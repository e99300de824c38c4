import { appendFileSync } from 'node:fs';
import http from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { gzipSync } from 'node:zlib';
import { sql } from '@databases/pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAppOnNewDatabase, type TestApp } from './support/app.ts';

/**
 * Bad input at volume: a seeded generator sends thousands of requests (valid
 * ones, and junk in every place a client controls: method, path, query,
 * headers, content type, encoding, body bytes, field types and values) at
 * every route, one at a time over one keep-alive connection, as raw HTTP
 * (node:http, so paths are sent exactly as generated: no URL normalisation).
 *
 * Checked for every request:
 * - no 5xx, ever;
 * - every 4xx is an RFC 9457 problem (application/problem+json, status echoed);
 * - a rejected (non-2xx) request changes nothing: a digest of both tables
 *   is taken after every request that could write;
 * - no CORS header is ever granted;
 * - an accepted write stores every field exactly as sent.
 * And the database always equals a model built only from accepted (2xx)
 * responses (compared in full every 250 requests and at the end).
 *
 * FUZZ_SEED and FUZZ_REQUESTS override the defaults; a failure names the seed.
 * FUZZ_TRACE=<file> appends each request and its status to that file.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_251_126);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 4000);
const CHECK_EVERY = 250;

let app: TestApp;
let agent: http.Agent;

beforeAll(async () => {
  app = await startAppOnNewDatabase();
  agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
});
afterAll(async () => {
  agent?.destroy();
  await app?.close();
});

// ---- a small seeded PRNG (mulberry32): same seed, same requests ----------

function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const chance = (p: number) => next() < p;
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, chance, pick };
}
type Rng = ReturnType<typeof prng>;

// ---- the model: what accepted requests imply ----------------------------

interface Row {
  id: number;
  [field: string]: unknown;
}
interface Model {
  authors: Map<number, Row>;
  books: Map<number, Row>;
}

async function databaseRows(): Promise<{ authors: Row[]; books: Row[] }> {
  const [row] = await app.pool.query(sql`
    SELECT (SELECT coalesce(json_agg(a ORDER BY a.id), '[]') FROM authors a) AS authors,
           (SELECT coalesce(json_agg(b ORDER BY b.id), '[]') FROM books b) AS books`);
  return row as { authors: Row[]; books: Row[] };
}

async function digest(): Promise<string> {
  const [row] = await app.pool.query(sql`
    SELECT md5((SELECT coalesce(json_agg(a ORDER BY a.id)::text, '') FROM authors a) || '|' ||
               (SELECT coalesce(json_agg(b ORDER BY b.id)::text, '') FROM books b)) AS d`);
  return (row as { d: string }).d;
}

const sorted = (rows: Iterable<Row>) => [...rows].sort((a, b) => a.id - b.id);

// ---- generators ----------------------------------------------------------

const sqlFragments = [
  "'; DROP TABLE authors; --",
  "' OR '1'='1",
  '1 OR 1=1',
  '1; DELETE FROM books',
  '$1',
  '$$',
  '\\x00',
  "'||pg_sleep(0)||'",
  '"; TRUNCATE books CASCADE; --',
  "') RETURNING *; --",
  '*/ SELECT 1 /*',
  'E\'\\\\\'',
];
const oddStrings = [
  '',
  ' ',
  '\t\n\r',
  'a',
  'Ünïcödé – “quotes” – ß',
  '📚',
  '👩‍👩‍👧‍👦',
  '🏳️‍🌈'.repeat(3),
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\udbff\udfff',
  '\u202eevil',
  '\u200b',
  '\u2028\u2029',
  'e\u0301\u0301\u0301',
  '\uffff\ufffe',
  '<script>alert(1)</script>',
  '${7*7}{{7*7}}',
  '../../etc/passwd',
  '%00',
  'null',
  'true',
  '-1',
  '1e309',
  '__proto__',
  ...sqlFragments,
];
const junkIds = ['0', '-1', '1.5', '1e3', '0x10', '+1', ' 1', '%201', '%00', '%', '%zz', '%2e%2e', '..', 'by-id', 'abc', 'null',
  '99999999999', '2147483648', '2147483647', '4294967297', '007', '%31', '١', '１', '1%00', '1;DROP%20TABLE%20authors', "1'", '%F0%9F%93%9A',
  '%ED%A0%80', '%C0%AE', 'NaN', 'Infinity', '1'.repeat(300)];

function oddString(rng: Rng): string {
  switch (rng.int(6)) {
    case 0:
      return rng.pick(oddStrings);
    case 1:
      return rng.pick(oddStrings) + rng.pick(oddStrings);
    case 2:
      return rng.pick(['x', '📚', 'é', ' ', '\u0000']).repeat(rng.pick([99, 100, 101, 199, 200, 201, 1000, 5000]));
    case 3:
      return Array.from({ length: rng.int(40) }, () => String.fromCharCode(rng.int(0x10000))).join('');
    case 4:
      return Array.from({ length: 1 + rng.int(30) }, () => String.fromCodePoint(rng.pick([0x20 + rng.int(95), 0x1f300 + rng.int(0x300)]))).join('');
    default:
      return `${rng.pick(['Name', 'Ann', 'Bob'])} ${rng.int(100000)}`;
  }
}

function junkValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 6 : 9)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1, 1.5, -0, 1e308, 2147483647, 2147483648, Number.MAX_SAFE_INTEGER, 3e9, 0.1]);
    case 3:
    case 4:
    case 5:
      return oddString(rng);
    case 6:
      return Array.from({ length: rng.int(4) }, () => junkValue(rng, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: rng.int(4) }, () => [rng.pick(['name', 'title', 'id', 'x', '__proto__', 'constructor', '']), junkValue(rng, depth + 1)]));
  }
}

function validName(rng: Rng, max: number): string {
  const s = rng.chance(0.7) ? `${rng.pick(['Ann', 'Bø', '李', 'Zoë', '📚'])} ${rng.int(1e6)}` : oddString(rng);
  const trimmed = [...s.replace(/\u0000/g, '')].slice(0, max).join('');
  return trimmed.trim() ? trimmed : 'fallback';
}

interface Generated {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The body before content-encoding, when it was compressed. */
  plain?: Buffer;
}

function pathFor(rng: Rng, model: Model): { path: string; template: string } {
  const id = (table: 'authors' | 'books') => {
    const ids = [...model[table].keys()];
    const r = rng.next();
    if (r < 0.55 && ids.length) return String(rng.pick(ids));
    if (r < 0.65) return String(1 + rng.int(5000));
    return rng.pick(junkIds);
  };
  const template = rng.pick([
    '/authors',
    '/authors',
    '/authors/{a}',
    '/authors/{a}',
    '/books',
    '/books',
    '/books/{a}',
    '/books/by-id/{b}',
    '/books/by-id/{b}',
    '/healthz',
    '/readyz',
    '/openapi.json',
    '/docs',
    '/docs/assets/{junk}',
    '/',
    '/{junk}',
  ]);
  let path = template
    .replace('{a}', id('authors'))
    .replace('{b}', id('books'))
    .replace('{junk}', rng.pick(['..', '../package.json', '%2e%2e/%2e%2e/package.json', 'swagger-ui.css', 'index.html', '%00', 'x'.repeat(2000), 'authors%2F1']));
  if (rng.chance(0.12)) {
    path = rng.pick([
      (p: string) => `${p}/`,
      (p: string) => p.toUpperCase(),
      (p: string) => `/${p}`,
      (p: string) => `${p}/..`,
      (p: string) => `${p}/../..`,
      (p: string) => `${p}/%2e%2e`,
      (p: string) => `${p}%00`,
      (p: string) => `${p};x=1`,
      (p: string) => `${p}/extra`,
      (p: string) => p.replace(/\//g, '//'),
      (p: string) => `${p}#frag`,
      () => '/authors/../..',
      () => '/books/%00',
      () => '/books/by-id/',
      () => '/books/by-id',
      () => '/authors/%',
      () => '*',
    ])(path);
  }
  // What a client library would send: anything outside printable ASCII percent-encoded.
  return { path: path.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c)), template };
}

function queryFor(rng: Rng): string {
  if (rng.chance(0.6)) return '';
  const parts = Array.from({ length: 1 + rng.int(3) }, () =>
    rng.pick([
      () => `limit=${rng.pick(['1', '2', '50', '200', '201', '0', '-1', 'abc', '1e2', '+5', '%205', '%00', '', '9'.repeat(30), "1'%20OR%20'1'='1"])}`,
      () => `after=${rng.pick(['1', '3', '0', '-3', 'x', '2147483648', '1;DROP%20TABLE%20books', ''])}`,
      () => `include=${rng.pick(['books', 'BOOKS', 'authors', '', 'books,books', '%27'])}`,
      () => rng.pick(['limit[]=1', 'limit[a]=1', '__proto__=1', 'constructor=x', '%zz=1', '=&&&', 'cursor=3', 'a=' + 'b'.repeat(3000)]),
    ])(),
  );
  if (rng.chance(0.2)) parts.push(parts[0]!); // a duplicated parameter
  return `?${parts.join('&')}`;
}

const contentTypes = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=UTF-8',
  'application/json;charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=bogus',
  'application/json; charset',
  'application/json; charset="utf-8',
  'APPLICATION/JSON',
  'application/problem+json',
  'application/merge-patch+json',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  '*/*',
  ';;;',
  'application/',
  '',
];

/** Latin-1 only: what an HTTP header value may carry. */
const headerJunk = (rng: Rng) =>
  rng.pick(['', ' ', 'x'.repeat(4000), '\u00ff\u00fe', "'; DROP TABLE authors; --", '../..', 'null', '<script>', `${rng.int(1e9)}`]);

/**
 * Headers a client may send, with odd values. Not `expect` other than
 * 100-continue: Node's HTTP server itself answers any other expectation
 * with a bare 417 before the app sees the request.
 */
const oddHeaders: Record<string, string[]> = {
  'x-request-id': ['abc-123', 'a'.repeat(65), 'no spaces <script>', '../..'],
  accept: ['application/xml', 'text/html', '*/*;q=0', 'application/json;q=0', 'application/problem+json'],
  'accept-language': ['zz', '*'],
  'accept-encoding': ['gzip', 'br;q=1, *;q=0', 'identity;q=0'],
  'x-http-method-override': ['DELETE', 'PATCH', 'PUT'],
  'x-forwarded-for': ['127.0.0.1, 10.0.0.1', 'unknown'],
  'x-forwarded-proto': ['https', 'javascript'],
  'x-forwarded-host': ['evil.example'],
  origin: ['http://evil.example', 'null'],
  cookie: ['session=1; session=2', 'a'],
  authorization: ['Basic Ym9va3NoZWxmOnB3', 'Bearer x.y.z'],
  range: ['bytes=0-10', 'bytes=999999-', 'bytes=-1,0-', '*'],
  'if-none-match': ['*', '"x"', 'W/"1"'],
  'if-modified-since': ['Thu, 01 Jan 2099 00:00:00 GMT', 'yesterday'],
  'if-match': ['"nope"', '*'],
  expect: ['100-continue'],
  ['x-' + 'a'.repeat(50)]: ['1'],
};

function bodyFor(rng: Rng, model: Model, template: string): Buffer | undefined {
  const authorIds = [...model.authors.keys()];
  const authorId = () => (rng.chance(0.8) && authorIds.length ? rng.pick(authorIds) : rng.pick([424242, 0, -1, 1.5, 2147483648, '1', null]));
  const fields =
    template.startsWith('/books') ? { title: () => validName(rng, 200), author_id: authorId } : { name: () => validName(rng, 100), bio: () => oddString(rng), country: () => validName(rng, 100) };
  const valid = () =>
    Object.fromEntries(Object.entries(fields).filter(([key]) => key === 'name' || key === 'author_id' || key === 'title' || rng.chance(0.5)).map(([key, make]) => [key, make()]));
  const mutated = () => {
    const body: Record<string, unknown> = rng.chance(0.5) ? valid() : {};
    const keys = Object.keys(fields);
    for (let i = rng.int(3); i >= 0; i--) {
      const action = rng.int(4);
      if (action === 0) body[rng.pick(keys)] = junkValue(rng);
      else if (action === 1) delete body[rng.pick(keys)];
      else if (action === 2) body[rng.pick(['id', 'created_at', 'nationality', '__proto__', 'name ', 'Name'])] = junkValue(rng);
      else body[rng.pick(keys)] = oddString(rng);
    }
    return body;
  };
  switch (rng.int(10)) {
    case 0:
    case 1:
    case 2:
      return Buffer.from(JSON.stringify(valid()));
    case 3:
    case 4:
    case 5:
      return Buffer.from(JSON.stringify(mutated()));
    case 6:
      return Buffer.from(JSON.stringify(junkValue(rng)) ?? 'undefined');
    case 7:
      return Buffer.from(
        rng.pick([
          '{"name": "a",',
          '{',
          'null',
          '"str"',
          '1',
          '[]',
          '{}',
          '{"name":"a"}garbage',
          '{"name":"dup","name":"dup2"}',
          '\ufeff{"name":"bom"}',
          '{"name":"\\ud800"}',
          '{"name":"\\u0000"}',
          '{"title":"t","author_id":1e400}',
          '{"name":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
          '{"__proto__":{"name":"polluted"},"name":"proto"}',
          '{"constructor":{"prototype":{"x":1}}}',
          '',
          ' ',
          'name=a&bio=b',
        ]),
      );
    case 8:
      // bytes that are not UTF-8 at all
      return Buffer.concat([Buffer.from('{"name":"'), Buffer.from(Array.from({ length: 1 + rng.int(20) }, () => 0x80 + rng.int(0x80))), Buffer.from('"}')]);
    default:
      // over the 16 KiB limit
      return Buffer.from(JSON.stringify({ name: 'big', bio: 'x'.repeat(16 * 1024 + rng.int(50_000)) }));
  }
}

const routeMethods: Record<string, string[]> = {
  '/authors': ['GET', 'POST', 'POST', 'POST'],
  '/authors/{a}': ['GET', 'PATCH', 'PATCH', 'DELETE'],
  '/books': ['GET', 'POST', 'POST', 'POST'],
  '/books/{a}': ['GET'],
  '/books/by-id/{b}': ['GET', 'PATCH', 'PATCH', 'DELETE'],
};

function generate(rng: Rng, model: Model): Generated {
  const { path, template } = pathFor(rng, model);
  // Mostly a method the route has, so requests get past routing and into validation.
  const method = rng.chance(0.75) && routeMethods[template]
    ? rng.pick(routeMethods[template]!)
    : rng.pick(['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'PURGE']);
  const headers: Record<string, string> = {};
  const wantsBody = ['POST', 'PATCH', 'PUT'].includes(method) ? rng.chance(0.95) : rng.chance(0.1);
  let body = wantsBody ? bodyFor(rng, model, template) : undefined;
  let plain: Buffer | undefined;
  if (body) {
    headers['content-type'] = rng.chance(0.8) ? 'application/json' : rng.pick(contentTypes);
    if (rng.chance(0.08)) {
      const encoding = rng.pick(['gzip', 'gzip-broken', 'deflate', 'br', 'compress', 'identity', 'gzip, gzip']);
      if (encoding === 'gzip') {
        plain = body;
        body = gzipSync(body);
      }
      headers['content-encoding'] = encoding === 'gzip-broken' ? 'gzip' : encoding;
    }
    if (rng.chance(0.1)) headers['transfer-encoding'] = 'chunked';
  } else if (rng.chance(0.1)) {
    headers['content-type'] = rng.pick(contentTypes);
  }
  for (let i = rng.int(4); i > 0; i--) {
    const [name, values] = rng.pick(Object.entries(oddHeaders));
    headers[name] = rng.chance(0.3) && name !== 'expect' ? headerJunk(rng) : rng.pick(values);
  }
  return { method, path: path + queryFor(rng), headers, ...(body ? { body } : {}), ...(plain ? { plain } : {}) };
}

// ---- raw HTTP -------------------------------------------------------------

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

function send(request: Generated): Promise<Answer> {
  const { port } = new URL(app.baseUrl);
  return new Promise((resolve, reject) => {
    const headers = { ...request.headers };
    if (request.body && headers['transfer-encoding'] !== 'chunked') headers['content-length'] = String(request.body.length);
    const req = http.request({ host: '127.0.0.1', port, method: request.method, path: request.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    // A request the server never answers is a failure to report, not a hang.
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.end(request.body);
  });
}

const describeRequest = (r: Generated) =>
  `${r.method} ${r.path.slice(0, 200)} ${JSON.stringify(r.headers).slice(0, 300)} ${r.body ? r.body.toString('utf8').slice(0, 200) : ''}`;

/** What an accepted request did, read from its response (never from what was sent). */
function applyToModel(model: Model, request: Generated, answer: Answer): void {
  if (answer.status < 200 || answer.status > 299) return;
  const json = () => JSON.parse(answer.text) as Row;
  if ((request.method === 'POST' && answer.status === 201) || (request.method === 'PATCH' && answer.status === 200)) {
    const row = json();
    (typeof row.title === 'string' ? model.books : model.authors).set(row.id, row);
  } else if (request.method === 'DELETE' && answer.status === 204) {
    const path = request.path.split(/[?#]/)[0]!.toLowerCase();
    const id = Number(decodeURIComponent(path.split('/').filter(Boolean).at(-1)!));
    (path.includes('/books/by-id/') ? model.books : model.authors).delete(id);
  }
}

it(`${REQUESTS} generated requests (seed ${SEED}): no 5xx, every 4xx a problem, rejected requests write nothing, the database equals the model`, { timeout: 120_000 }, async () => {
  const rng = prng(SEED);
  const initial = await databaseRows();
  const model: Model = {
    authors: new Map(initial.authors.map((row) => [row.id, row])),
    books: new Map(initial.books.map((row) => [row.id, row])),
  };
  const failures: string[] = [];
  const fail = (message: string, request: Generated) => {
    if (failures.length < 25) failures.push(`${message} ← ${describeRequest(request)}`);
  };
  const statuses = new Map<number, number>();
  let lastDigest = await digest();
  let accepted = 0;

  for (let i = 1; i <= REQUESTS; i++) {
    const request = generate(rng, model);
    if (process.env.FUZZ_TRACE) appendFileSync(process.env.FUZZ_TRACE, `${i} ${describeRequest(request)}\n`);
    let answer: Answer;
    try {
      answer = await send(request);
    } catch (error) {
      fail(`no response: ${(error as Error).message}`, request);
      continue;
    }
    if (process.env.FUZZ_TRACE) appendFileSync(process.env.FUZZ_TRACE, `  -> ${answer.status} ${Date.now()}\n`);
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);

    if (answer.status >= 500) fail(`${answer.status}: ${answer.text.slice(0, 300)}`, request);
    if (answer.status >= 400 && answer.status < 500) {
      const type = answer.headers['content-type'];
      if (type !== 'application/problem+json; charset=utf-8') fail(`${answer.status} with content-type ${type}: ${answer.text.slice(0, 100)}`, request);
      if (request.method !== 'HEAD') {
        let problem: { type?: unknown; title?: unknown; status?: unknown } = {};
        try {
          problem = JSON.parse(answer.text);
        } catch {
          /* checked below */
        }
        if (typeof problem.type !== 'string' || typeof problem.title !== 'string' || problem.status !== answer.status) {
          fail(`${answer.status} without a problem body: ${answer.text.slice(0, 200)}`, request);
        }
      }
    }
    if (answer.headers['access-control-allow-origin'] !== undefined) fail('granted CORS', request);

    if (answer.status >= 200 && answer.status <= 299) accepted++;
    if (request.body && ((request.method === 'POST' && answer.status === 201) || (request.method === 'PATCH' && answer.status === 200))) {
      // Accepted data is stored verbatim: every field sent reads back equal.
      const sent = JSON.parse((request.plain ?? request.body).toString('utf8').replace(/^\ufeff/, '')) as Record<string, unknown>;
      const stored = JSON.parse(answer.text) as Record<string, unknown>;
      for (const [key, value] of Object.entries(sent)) {
        if (!isDeepStrictEqual(stored[key], value)) fail(`stored ${key} as ${JSON.stringify(stored[key])}, not as sent`, request);
      }
    }
    applyToModel(model, request, answer);
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      const now = await digest();
      if (now !== lastDigest && !(answer.status >= 200 && answer.status <= 299)) fail(`a rejected request (${answer.status}) changed the data`, request);
      lastDigest = now;
    }
    if (i % CHECK_EVERY === 0 || i === REQUESTS) {
      const rows = await databaseRows();
      if (!isDeepStrictEqual(rows, { authors: sorted(model.authors.values()), books: sorted(model.books.values()) })) {
        fail(`the database differs from the model after request ${i}`, request);
        expect(rows).toEqual({ authors: sorted(model.authors.values()), books: sorted(model.books.values()) });
      }
    }
  }

  const summary = Object.fromEntries([...statuses].sort(([a], [b]) => a - b));
  console.log(`fuzz seed ${SEED}: ${REQUESTS} requests, ${accepted} accepted; statuses ${JSON.stringify(summary)}; ` +
    `now ${model.authors.size} authors, ${model.books.size} books`);
  expect(failures, `seed ${SEED}`).toEqual([]);
  // The run exercised both sides: writes were accepted and plenty was refused.
  expect(accepted).toBeGreaterThan(REQUESTS / 10);
  expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThan(4);
});
