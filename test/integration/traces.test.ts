import { Writable } from 'node:stream';
import { SpanKind } from '@opentelemetry/api';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { runEntrypoint, type RunningProcess } from '../support/process.ts';
import { recordSpans } from '../support/recording-tracer.ts';
import { useServerDatabase } from '../support/server-database.ts';

/**
 * Issue 21, traces: W3C `traceparent` kept or made, echoed, in the request's
 * log lines; spans through @opentelemetry/api, one per request and one per
 * query (with a recording SDK installed in this test's process), and none
 * needed without one (the server's own process, no SDK).
 */
const database = useServerDatabase();

const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const traceparent = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
type LogLine = { msg: string; traceId?: string; path?: string; status?: number };

describe('without an OpenTelemetry SDK (the server as npm start runs it)', () => {
  let server: RunningProcess;
  let api: string;
  beforeAll(async () => {
    server = runEntrypoint('src/main.ts', database.env());
    api = (JSON.parse(await server.waitFor(/"msg":"serving"/)) as { url: string }).url;
  });
  afterAll(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
  });
  const requestLine = async (reqId: string) => JSON.parse(await server.waitFor(new RegExp(`"reqId":"${reqId}"`), 10_000)) as LogLine;

  it('a valid incoming traceparent is kept: echoed as sent, its trace id in the request’s log line', async () => {
    const response = await fetch(`${api}/books/1`, { headers: { traceparent: incoming, 'x-request-id': 'trace-kept-1' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('traceparent')).toBe(incoming);
    expect((await requestLine('trace-kept-1')).traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('no traceparent: a new trace per request, echoed, in the log line; also on answers the error handler sends', async () => {
    const seen = new Set<string>();
    for (const [path, status] of [
      ['/authors', 200],
      ['/authors', 200],
      ['/books/x', 422],
      ['/nowhere', 404],
    ] as const) {
      const reqId = `trace-new-${seen.size}`;
      const response = await fetch(`${api}${path}`, { headers: { 'x-request-id': reqId } });
      expect(response.status).toBe(status);
      const [, traceId] = traceparent.exec(response.headers.get('traceparent') ?? '') ?? [];
      expect(traceId).toBeDefined();
      expect((await requestLine(reqId)).traceId).toBe(traceId);
      seen.add(traceId!);
    }
    expect(seen.size).toBe(4);
  });

  it('an invalid traceparent (all-zero trace id, upper case, garbage, version ff) is ignored: a new trace, never echoed', async () => {
    for (const bad of [
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\u0000<script>',
      'not a trace',
    ]) {
      const response = await fetch(`${api}/authors`, { headers: { traceparent: bad.replace('\u0000', '') } });
      const echoed = response.headers.get('traceparent') ?? '';
      expect(echoed).toMatch(traceparent);
      expect(echoed).not.toContain('4bf92f3577b34da6a3ce929d0e0e4736');
    }
  });
});

describe('with an OpenTelemetry SDK', () => {
  const spans = recordSpans();
  const lines: LogLine[] = [];
  let running: RunningServer;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
        done();
      },
    });
    const config = parseEnv(database.env({ ALLOW_ANONYMOUS_WRITES: '1' }));
    running = await startServer(config, pino({ level: 'info' }, sink));
  });
  afterAll(() => running?.close());

  it('one server span per request (its parent the caller’s span), one client span per query under it; the response names the server span', async () => {
    spans.length = 0;
    const response = await fetch(`${running.url}/books/1`, { headers: { traceparent: incoming } });
    expect(response.status).toBe(200);
    const server = spans.filter((span) => span.kind === SpanKind.SERVER);
    expect(server).toHaveLength(1);
    expect(server[0]).toMatchObject({
      name: 'GET /books/{author_id}',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: '00f067aa0ba902b7',
      ended: true,
      attributes: { 'http.request.method': 'GET', 'http.route': '/books/{author_id}', 'http.response.status_code': 200 },
    });
    expect(response.headers.get('traceparent')).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${server[0]!.spanId}-01`);
    const queries = spans.filter((span) => span.kind === SpanKind.CLIENT);
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatchObject({
      name: 'db.query',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: server[0]!.spanId,
      ended: true,
    });
    expect(queries[0]!.attributes['db.statement']).toMatch(/FROM "?books"?/);
    expect(queries[0]!.attributes['db.statement']).not.toContain("'1'"); // placeholders, never values
    await new Promise((resolve) => setTimeout(resolve, 200)); // the logger writes in batches
    expect(lines.find((line) => line.msg === 'request' && line.path === '/books/1')?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('a write: its queries are children of its span; a failed query’s span is marked as an error', async () => {
    spans.length = 0;
    const response = await fetch(`${running.url}/books`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Traced', author_id: 424242 }),
    });
    expect(response.status).toBe(422);
    const [server] = spans.filter((span) => span.kind === SpanKind.SERVER);
    expect(server).toMatchObject({
      name: 'POST /books',
      parentSpanId: undefined,
      attributes: { 'http.response.status_code': 422 },
      ended: true,
    });
    const [query] = spans.filter((span) => span.kind === SpanKind.CLIENT);
    expect(query).toMatchObject({
      parentSpanId: server!.spanId,
      traceId: server!.traceId,
      status: { code: 2, message: '23503' },
      ended: true,
    });
    expect(response.headers.get('traceparent')).toBe(`00-${server!.traceId}-${server!.spanId}-01`);
  });
});
