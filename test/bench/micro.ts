import http from 'node:http';
import net from 'node:net';
import { sql as dbSql } from '@databases/pg';
import helmet from 'helmet';
import pino from 'pino';
import * as db from 'zapatos/db';
import type * as s from 'zapatos/schema';
import { z } from 'zod';
import { createMetrics } from '../../src/config/metrics.ts';
import { toSqlQuery } from '../../src/db/run.ts';
import { securityHeaderList, setSecurityHeaders } from '../../src/http/security-headers.ts';
import { routes } from '../../src/http/app.ts';

/**
 * Microbenchmarks of the per-request pieces of ours, in µs per call, to
 * tell which are worth removing (`npx tsx test/bench/micro.ts`).
 */
function time(name: string, n: number, work: () => unknown) {
  for (let i = 0; i < n / 10; i++) work(); // warm up
  const results: number[] = [];
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    for (let i = 0; i < n; i++) work();
    results.push(((performance.now() - started) * 1000) / n);
  }
  results.sort((a, b) => a - b);
  console.log(`${results[2]!.toFixed(2).padStart(7)} µs  ${name}`);
}

const response = () => new http.ServerResponse(new http.IncomingMessage(new net.Socket()));
const helmetPerRequest = helmet();
const precomputed = securityHeaderList();
time('a new ServerResponse (baseline of the next two)', 50_000, response);
time('helmet() per request', 50_000, () => helmetPerRequest({} as never, response() as never, () => {}));
time('setSecurityHeaders() (precomputed helmet)', 50_000, () => setSecurityHeaders(response(), precomputed));
time('writeHead with the precomputed list (how serve-api.ts sends them)', 50_000, () =>
  response().writeHead(200, [...precomputed, 'content-length', '2']),
);

// The declared route's own schemas (src/http/resources.ts): no handler runs, so no database is needed.
const byAuthor = routes({} as never).find((route) => route.method === 'get' && route.path === '/books/{author_id}')!;
const params = byAuthor.params as z.ZodType;
const pageQuery = byAuthor.query as z.ZodType;
time('zod: path params of GET /books/{author_id}', 200_000, () => params.safeParse({ author_id: '12345' }));
time('zod: empty page query', 200_000, () => pageQuery.safeParse({}));

const where: s.books.Whereable = { author_id: 12345 };
const fragment = () =>
  db.sql<s.books.SQL>`SELECT coalesce(json_agg(page ORDER BY page.${'id'})::text, '[]') AS json FROM (SELECT * FROM ${'books'} WHERE ${where} ORDER BY ${'id'} LIMIT ${db.param(50)}) AS page`;
time('zapatos: build + compile the page query', 100_000, () => fragment().compile());
const compiled = fragment().compile();
time('toSqlQuery (zapatos → @databases/sql)', 200_000, () => toSqlQuery(compiled));
const pgFormat = {
  escapeIdentifier: (x: string) => `"${x}"`,
  formatValue: (v: unknown, i: number) => ({ placeholder: `$${i + 1}`, value: v }),
};
time('toSqlQuery + @databases/sql format (as @databases/pg does per query)', 200_000, () => toSqlQuery(compiled).format(pgFormat));
time('  the same for a one-line query (no dedent work)', 200_000, () =>
  dbSql`SELECT * FROM books WHERE author_id = ${12345} ORDER BY id LIMIT ${50}`.format(pgFormat),
);

const rows: unknown[] = [];
for (let i = 0; i < 50; i++) {
  rows.push({
    id: i + 4,
    name: `Author ${i}`,
    bio: `A generated author, number ${i}, with a bio of a realistic length for a list page.`,
    country: 'France',
    created_at: '2026-11-26T00:14:12.123456+00:00',
  });
}
const text = JSON.stringify(rows);
time(`JSON.parse + JSON.stringify of 50 authors (${text.length} B), what json_agg text avoids`, 5_000, () =>
  JSON.stringify(JSON.parse(text)),
);

const logger = pino({ level: 'info' }, { write: () => {} });
time('pino: one request line (serialising only)', 200_000, () =>
  logger.info({ reqId: '0b7c4a3e-2f6d-4c8e-9a1b-123456789abc', method: 'GET', path: '/books/12345', status: 200, ms: 1.23 }, 'request'),
);

// Issue 21: what metrics on (METRICS_PORT) add to each request: serve-api.ts's in-flight gauge and requestDone
// (a counter and a histogram, labelled by route template, method and status).
const metrics = await createMetrics();
const metricRoutes = ['/authors', '/books/{author_id}', '/books'];
let metricTurn = 0;
time('metrics: in-flight inc/dec + requestDone (counter and histogram)', 500_000, () => {
  metrics.inFlight.inc();
  metrics.inFlight.dec();
  metrics.requestDone(metricRoutes[metricTurn++ % 3]!, 'GET', 200, 0.004);
});
