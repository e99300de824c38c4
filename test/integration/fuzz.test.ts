import http from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { gzipSync } from 'node:zlib';
import { sql } from '@databases/pg';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seed } from '../../src/db/seed.ts';
import { startAppOnNewDatabase, type TestApp } from '../support/app.ts';
import { DocumentArbitraries, type DocumentRequest } from '../support/openapi-arbitraries.ts';
import { headersOf, ResponseValidator } from '../support/openapi-responses.ts';

/**
 * Property-based fuzzing from the served /openapi.json (fast-check): each run
 * restores the guide's data (identities restarted, so ids repeat), then sends
 * a sequence of requests, one at a time over one keep-alive connection, as
 * raw HTTP (node:http: paths go out exactly as generated). The requests come
 * from the document (test/support/openapi-arbitraries.ts): every operation,
 * with values each parameter and body field allows, and with one value it
 * rules out; a fifth are "junk", a generated request with its envelope
 * broken (a method or path the document lacks, a wrong content type or
 * encoding, bytes that are not UTF-8 or not JSON, an oversized body, odd
 * headers). A new column or route is fuzzed with no edit here.
 *
 * For every request:
 * - no 5xx, ever; every 4xx is an RFC 9457 problem (status echoed);
 * - the answer keeps the document (status, content type, body, headers);
 * - a request the document allows is not refused as malformed (no 400, 413,
 *   415, and no 422 but for a reference to a row that does not exist);
 * - a request with one value the document rules out is a 422 naming it;
 * - a rejected request changes nothing (a digest of every table after each
 *   write); an accepted write stores every field exactly as sent;
 * - no CORS header is granted (CORS is off by default).
 * After each run the database equals a model built only from accepted answers.
 *
 * On failure fast-check shrinks the sequence to a minimal failing one and the
 * message gives the seed and path: FUZZ_SEED=<seed> FUZZ_PATH=<path> replays it.
 * FUZZ_RUNS sets the number of runs (each up to 100 requests).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_251_126);
const RUNS = Number(process.env.FUZZ_RUNS ?? 50);
const PATH = process.env.FUZZ_PATH;

let app: TestApp;
let agent: http.Agent;
let arbitraries: DocumentArbitraries;
let validator: ResponseValidator;
let tables: string[];

beforeAll(async () => {
  app = await startAppOnNewDatabase();
  agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const document = (await (await fetch(`${app.baseUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
  arbitraries = new DocumentArbitraries(document);
  validator = new ResponseValidator(document);
  // The tables behind the document's resources: the first segment of each path that names one. The model keys rows by
  // `id`: a declared resource keyed otherwise (src/http/resources.ts) is fuzzed all the same, but not modelled
  // (test/integration/resources.test.ts fuzzes such keys).
  const segments = [...new Set(Object.keys(document.paths).map((path) => path.split('/')[1]!))];
  const found = await app.pool.query(
    sql`SELECT table_name FROM information_schema.tables t WHERE table_schema = 'public' AND table_name = ANY(${segments})
          AND EXISTS (SELECT 1 FROM information_schema.columns c
                       WHERE c.table_schema = 'public' AND c.table_name = t.table_name AND c.column_name = 'id')
        ORDER BY table_name`,
  );
  tables = found.map((row) => row.table_name as string);
});
afterAll(async () => {
  agent?.destroy();
  await app?.close();
});

// ---- the database and the model -------------------------------------------

interface Row {
  id: number;
  [field: string]: unknown;
}
type Model = Map<string, Map<number, Row>>;

async function databaseRows(): Promise<Record<string, Row[]>> {
  const rows: Record<string, Row[]> = {};
  for (const table of tables) {
    const [row] = await app.pool.query(sql`SELECT coalesce(json_agg(t ORDER BY t.id), '[]') AS rows FROM ${sql.ident(table)} t`);
    rows[table] = (row!.rows as Row[]).map(withSixDigitTimes);
  }
  return rows;
}

/**
 * json_agg writes timestamps as Postgres trims them (`…:34.5+00:00`); the API always writes six fractional digits
 * (`…:34.500000+00:00`, as the guide's app does), so the database's rows are compared in the API's form.
 */
const withSixDigitTimes = (row: Row): Row =>
  Object.fromEntries(
    Object.entries(row).map(([key, value]) => {
      const time = typeof value === 'string' ? /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?([+-]\d\d:\d\d)$/.exec(value) : null;
      return [key, time ? `${time[1]}.${(time[2] ?? '').padEnd(6, '0')}${time[3]}` : value];
    }),
  ) as Row;

const digest = async () => JSON.stringify(await databaseRows());

const modelRows = (model: Model) =>
  Object.fromEntries([...model].map(([table, rows]) => [table, [...rows.values()].sort((a, b) => a.id - b.id)]));

/** The guide's data again, with ids from 1: every run starts from the same state, so a replay is exact. */
async function restore(): Promise<Model> {
  await app.pool.query(
    sql`TRUNCATE ${sql.join(
      tables.map((table) => sql.ident(table)),
      sql`, `,
    )} RESTART IDENTITY CASCADE`,
  );
  await seed(app.pool);
  const rows = await databaseRows();
  return new Map(tables.map((table) => [table, new Map(rows[table]!.map((row) => [row.id, row]))]));
}

// ---- requests on the wire ---------------------------------------------------

interface Wire {
  kind: DocumentRequest['kind'] | 'junk';
  flaw?: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The body before content-encoding, when it was compressed. */
  plain?: Buffer;
}

function onTheWire(request: DocumentRequest): Wire {
  const body = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
  return {
    kind: request.kind,
    ...(request.flaw ? { flaw: request.flaw } : {}),
    method: request.method,
    path: request.path + request.query,
    headers: body ? { 'content-type': 'application/json' } : {},
    ...(body ? { body } : {}),
  };
}

const contentTypes = [
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=bogus',
  'application/json; charset',
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

const malformedBodies = [
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
  '{"title":"t","author_id":1e400}',
  `{"name":${'['.repeat(5000)}${']'.repeat(5000)}}`,
  '{"__proto__":{"name":"polluted"},"name":"proto"}',
  '{"constructor":{"prototype":{"x":1}}}',
  '',
  ' ',
  'name=a&bio=b',
];

/** Headers a client may send, with odd values (Latin-1 only: what a header may carry). */
const oddHeaders = fc.constantFrom<[string, string]>(
  ['x-request-id', 'a'.repeat(65)],
  ['x-request-id', 'no spaces <script>'],
  ['accept', 'application/xml'],
  ['accept', '*/*;q=0'],
  ['accept-encoding', 'br;q=1, *;q=0'],
  ['x-http-method-override', 'DELETE'],
  ['x-forwarded-proto', 'javascript'],
  ['x-forwarded-host', 'evil.example'],
  ['origin', 'http://evil.example'],
  ['origin', 'null'],
  ['cookie', 'session=1; session=2'],
  ['authorization', 'Bearer x.y.z'],
  ['range', 'bytes=0-10'],
  ['if-none-match', '*'],
  ['if-match', '"nope"'],
  ['if-modified-since', 'yesterday'],
  ['expect', '100-continue'],
  ['x-junk', 'x'.repeat(4000)],
  ['x-junk', '\u00ff\u00fe'],
);

/** One way to break a request's envelope; what the server does with it is not the document's business, only the generic properties hold. */
const breakage: fc.Arbitrary<(wire: Wire) => Wire> = fc.oneof(
  fc
    .constantFrom('PUT', 'TRACE', 'PROPFIND', 'PURGE', 'OPTIONS', 'HEAD', 'DELETE', 'POST', 'PATCH', 'GET')
    .map((method) => (wire: Wire) => ({ ...wire, method })),
  fc
    .constantFrom<(path: string) => string>(
      (p) => `${p}/`,
      (p) => p.toUpperCase(),
      (p) => `/${p}`,
      (p) => `${p}/..`,
      (p) => `${p}/%2e%2e`,
      (p) => `${p}%00`,
      (p) => `${p};x=1`,
      (p) => `${p}/extra`,
      (p) => p.replace(/\//g, '//'),
      (p) => `${p}#frag`,
      (p) => `${p}${p.includes('?') ? '&' : '?'}x=1&__proto__=1&limit[]=1`,
      () => '/',
      () => '/nope',
      () => '/books/by-id/',
      () => '/authors/%',
      () => '/docs/assets/../package.json',
      () => '/docs/assets/index.html',
      () => '*',
    )
    .map((change) => (wire: Wire) => ({ ...wire, path: change(wire.path) })),
  fc
    .constantFrom(...contentTypes)
    .map((type) => (wire: Wire) => ({ ...wire, headers: { ...wire.headers, 'content-type': type }, body: wire.body ?? Buffer.from('{}') })),
  fc.constantFrom(...malformedBodies).map((text) => (wire: Wire) => ({
    ...wire,
    headers: { ...wire.headers, 'content-type': 'application/json' },
    body: Buffer.from(text),
  })),
  fc.uint8Array({ minLength: 1, maxLength: 20, min: 0x80, max: 0xff }).map((bytes) => (wire: Wire) => ({
    ...wire,
    headers: { ...wire.headers, 'content-type': 'application/json' },
    body: Buffer.concat([Buffer.from('{"name":"'), Buffer.from(bytes), Buffer.from('"}')]),
  })),
  fc.integer({ min: 1, max: 50_000 }).map((extra) => (wire: Wire) => ({
    ...wire,
    headers: { ...wire.headers, 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ name: 'big', bio: 'x'.repeat(16 * 1024 + extra) })),
  })),
  fc.constantFrom('gzip', 'gzip-broken', 'deflate', 'br', 'compress', 'identity', 'gzip, gzip').map((encoding) => (wire: Wire) => {
    const body = wire.body ?? Buffer.from('{}');
    const headers = {
      ...wire.headers,
      'content-type': wire.headers['content-type'] ?? 'application/json',
      'content-encoding': encoding === 'gzip-broken' ? 'gzip' : encoding,
    };
    return encoding === 'gzip' ? { ...wire, headers, body: gzipSync(body), plain: body } : { ...wire, headers, body };
  }),
  fc
    .array(oddHeaders, { minLength: 1, maxLength: 3 })
    .map((pairs) => (wire: Wire) => ({ ...wire, headers: { ...wire.headers, ...Object.fromEntries(pairs) } })),
  fc.constant((wire: Wire) => ({ ...wire, headers: { ...wire.headers, 'transfer-encoding': 'chunked' } })),
);

/** Four in five requests as the document generates them (valid or with one flaw), one in five with its envelope broken. */
function steps(requests: fc.Arbitrary<DocumentRequest>): fc.Arbitrary<Wire> {
  return fc.oneof(
    { weight: 4, arbitrary: requests.map(onTheWire) },
    {
      weight: 1,
      arbitrary: fc.tuple(requests, breakage).map(([request, change]) => ({ ...change(onTheWire(request)), kind: 'junk' as const })),
    },
  );
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

function send(request: Wire): Promise<Answer> {
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

const describeWire = (r: Wire) =>
  `${r.kind}${r.flaw ? ` (${r.flaw})` : ''}: ${r.method} ${r.path.slice(0, 200)} ${JSON.stringify(r.headers).slice(0, 200)} ${r.body ? r.body.toString('utf8').slice(0, 200) : ''}`;

const accepted = (status: number) => status >= 200 && status <= 299;

/** The table a path's resource lives in (its first segment), if the model has it. */
const tableOf = (path: string) => path.split(/[?#]/)[0]!.toLowerCase().split('/').filter(Boolean)[0];

/** What an accepted request did, read from its answer (never from what was sent). */
function applyToModel(model: Model, request: Wire, answer: Answer): void {
  const rows = model.get(tableOf(request.path) ?? '');
  if (!rows || !accepted(answer.status)) return;
  if ((request.method === 'POST' && answer.status === 201) || (request.method === 'PATCH' && answer.status === 200)) {
    const row = JSON.parse(answer.text) as Row;
    rows.set(row.id, row);
  } else if (request.method === 'DELETE' && answer.status === 204) {
    const last = request.path.split(/[?#]/)[0]!.split('/').filter(Boolean).at(-1)!;
    rows.delete(Number(decodeURIComponent(last)));
  }
}

/** Every property one answer breaks. */
function violations(request: Wire, answer: Answer, statuses: Map<number, number>): string[] {
  statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  const found: string[] = [];
  if (answer.status >= 500) found.push(`${answer.status}: ${answer.text.slice(0, 300)}`);
  let problem: { status?: unknown; errors?: { loc: unknown[]; type: string }[] } = {};
  if (answer.status >= 400 && answer.status < 500) {
    const type = answer.headers['content-type'];
    if (type !== 'application/problem+json; charset=utf-8') found.push(`${answer.status} with content-type ${type}`);
    if (request.method !== 'HEAD') {
      try {
        problem = JSON.parse(answer.text);
      } catch {
        /* the validator below says so */
      }
      if (problem.status !== answer.status) found.push(`${answer.status} whose problem says status ${JSON.stringify(problem.status)}`);
    }
  }
  found.push(
    ...validator.problems({
      method: request.method,
      path: request.path,
      status: answer.status,
      headers: headersOf(answer.headers),
      text: answer.text,
    }),
  );
  if (answer.headers['access-control-allow-origin'] !== undefined) found.push('granted CORS');

  if (request.kind === 'valid') {
    const onlyMissingRows = answer.status === 422 && (problem.errors ?? []).every((error) => error.type === 'foreign_key');
    if ([400, 413, 415].includes(answer.status) || (answer.status === 422 && !onlyMissingRows)) {
      found.push(`the document allows this request, the server refused it: ${answer.status} ${answer.text.slice(0, 300)}`);
    }
  }
  if (request.kind === 'invalid' && answer.status !== 422) {
    found.push(`the document rules this request out, the server answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  }
  if (request.body && ((request.method === 'POST' && answer.status === 201) || (request.method === 'PATCH' && answer.status === 200))) {
    // Accepted data is stored verbatim: every field sent reads back equal.
    const sent = JSON.parse((request.plain ?? request.body).toString('utf8').replace(/^\ufeff/, '')) as Record<string, unknown>;
    const stored = JSON.parse(answer.text) as Record<string, unknown>;
    for (const [key, value] of Object.entries(sent)) {
      if (!isDeepStrictEqual(stored[key], value)) found.push(`stored ${key} as ${JSON.stringify(stored[key])}, not as sent`);
    }
  }
  return found;
}

it(
  `${RUNS} runs of up to 100 requests generated from /openapi.json (seed ${SEED}): no 5xx, answers keep the document, rejected requests write nothing, the database equals the model`,
  { timeout: 300_000 },
  async () => {
    const statuses = new Map<number, number>();
    const kinds = { valid: 0, invalid: 0, junk: 0 };
    let requests = 0;
    let acceptedWrites = 0;

    const property = fc.asyncProperty(fc.array(steps(arbitraries.request()), { maxLength: 100, size: 'max' }), async (sequence) => {
      const model = await restore();
      let before = await digest();
      for (const [index, request] of sequence.entries()) {
        requests++;
        kinds[request.kind]++;
        const answer = await send(request);
        const found = violations(request, answer, statuses);
        applyToModel(model, request, answer);
        if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
          const now = await digest();
          if (now !== before && !accepted(answer.status)) found.push(`a rejected request (${answer.status}) changed the data`);
          if (accepted(answer.status)) acceptedWrites++;
          before = now;
        }
        if (found.length > 0)
          throw new Error(
            `request ${index + 1} of ${sequence.length}, ${describeWire(request)}\n→ ${answer.status}\n- ${found.join('\n- ')}`,
          );
      }
      const rows = await databaseRows();
      if (!isDeepStrictEqual(rows, modelRows(model))) {
        expect(rows, 'the database equals the model built from accepted answers').toEqual(modelRows(model));
      }
    });

    const details = await fc.check(property, {
      seed: SEED,
      numRuns: RUNS,
      ...(PATH ? { path: PATH } : {}),
      interruptAfterTimeLimit: 240_000,
    });
    if (details.failed) {
      const [sequence = []] = details.counterexample ?? [];
      const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      throw new Error(
        `Property failed after ${details.numRuns} runs; shrunk ${details.numShrinks} times to ${sequence.length} request(s):\n` +
          `${sequence.map((request, index) => `  ${index + 1}. ${describeWire(request)}`).join('\n')}\n\n${cause}\n\n` +
          `Replay: FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath} npx vitest run test/integration/fuzz.test.ts`,
      );
    }
    const summary = Object.fromEntries([...statuses].sort(([a], [b]) => a - b));
    console.log(
      `fuzz seed ${SEED}: ${RUNS} runs, ${requests} requests (${JSON.stringify(kinds)}), ${acceptedWrites} accepted writes; statuses ${JSON.stringify(summary)}`,
    );
    // The runs exercised both sides: writes were accepted, and many kinds of refusal were seen.
    expect(acceptedWrites).toBeGreaterThan(requests / 20);
    expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThan(6);
  },
);
