import { sql } from '@databases/pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool } from '../../src/db/pool.ts';
import { prepare } from '../../src/db/run.ts';
import * as db from 'zapatos/db';
import { createDatabase, dropDatabase } from '../support/postgres.ts';
import { runEntrypoint, type RunningProcess } from '../support/process.ts';
import { useServerDatabase } from '../support/server-database.ts';

/**
 * Issue 21, metrics: the server as `npm start` runs it (its own process, a
 * real database), scraped over HTTP on its metrics listener.
 */
const adminUrl = inject('adminUrl');
const database = useServerDatabase();

const token = 'metrics-token-0123456789abcdef';

async function start(env: Record<string, string>): Promise<{ server: RunningProcess; api: string; metrics?: string }> {
  const server = runEntrypoint('src/main.ts', database.env(env));
  const api = (JSON.parse(await server.waitFor(/"msg":"serving"/)) as { url: string }).url;
  const line = server
    .output()
    .split('\n')
    .find((l) => l.includes('"msg":"metrics"'));
  return { server, api, ...(line ? { metrics: (JSON.parse(line) as { url: string }).url } : {}) };
}

async function stop(server: RunningProcess): Promise<void> {
  server.child.kill('SIGTERM');
  await server.exited;
}

/** The value of one sample in Prometheus text, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics off (the default)', () => {
  it('no metrics listener, and /metrics is not a route of the API', async () => {
    const { server, api, metrics } = await start({});
    try {
      expect(metrics).toBeUndefined();
      expect((await fetch(`${api}/metrics`)).status).toBe(404);
    } finally {
      await stop(server);
    }
  });
});

describe('METRICS_PORT set', () => {
  let server: RunningProcess;
  let api: string;
  let metrics: string;
  beforeAll(async () => {
    ({ server, api, metrics } = (await start({ METRICS_PORT: '0', METRICS_TOKEN: token })) as {
      server: RunningProcess;
      api: string;
      metrics: string;
    });
  });
  afterAll(() => stop(server));
  const scrape = async () => {
    const response = await fetch(metrics, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  it('listens on loopback, apart from the API, and wants the token', async () => {
    expect(new URL(metrics).hostname).toBe('127.0.0.1');
    expect(new URL(metrics).port).not.toBe(new URL(api).port);
    expect((await fetch(metrics)).status).toBe(401);
    expect((await fetch(metrics, { headers: { authorization: 'Bearer wrong-token-0123456789abc' } })).status).toBe(401);
    expect((await fetch(metrics, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('counts requests by route template, method and status, with a latency histogram; raw paths never become labels', async () => {
    for (let i = 0; i < 3; i++) expect((await fetch(`${api}/books/${i + 1}`)).status).toBe(200);
    expect((await fetch(`${api}/authors`)).status).toBe(200);
    expect((await fetch(`${api}/books/not-a-number`)).status).toBe(422);
    expect((await fetch(`${api}/no/such/path/secret-looking-123`)).status).toBe(404);
    const text = await scrape();
    expect(sample(text, 'bookshelf_http_requests_total{route="/books/{author_id}",method="GET",status="200"}')).toBe(3);
    expect(sample(text, 'bookshelf_http_requests_total{route="/books/{author_id}",method="GET",status="422"}')).toBe(1);
    expect(sample(text, 'bookshelf_http_requests_total{route="/authors",method="GET",status="200"}')).toBe(1);
    expect(sample(text, 'bookshelf_http_requests_total{route="(unrouted)",method="GET",status="404"}')).toBe(1);
    expect(sample(text, 'bookshelf_http_request_duration_seconds_count{route="/books/{author_id}",method="GET"}')).toBe(4);
    expect(sample(text, 'bookshelf_http_request_duration_seconds_bucket{le="+Inf",route="/books/{author_id}",method="GET"}')).toBe(4);
    expect(sample(text, 'bookshelf_http_request_duration_seconds_sum{route="/books/{author_id}",method="GET"}')).toBeGreaterThan(0);
    expect(text).not.toContain('secret-looking-123');
    expect(sample(text, 'bookshelf_http_requests_in_flight')).toBe(0);
  });

  it('in-flight requests: a request held on a lock shows as 1 while it waits', async () => {
    const pg = (await import('pg')).default;
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE authors IN ACCESS EXCLUSIVE MODE');
      const held = fetch(`${api}/authors`);
      let seen: number | undefined;
      for (let i = 0; i < 100 && seen !== 1; i++) {
        seen = sample(await scrape(), 'bookshelf_http_requests_in_flight');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(seen).toBe(1);
      await locker.query('ROLLBACK');
      expect((await held).status).toBe(200);
      expect(sample(await scrape(), 'bookshelf_http_requests_in_flight')).toBe(0);
    } finally {
      await locker.end();
    }
  });

  it('database errors by SQLSTATE class: a book for a missing author is a 23 (integrity) error', async () => {
    const before = sample(await scrape(), 'bookshelf_database_errors_total{pool="primary",class="23"}') ?? 0;
    const response = await fetch(`${api}/books`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x', author_id: 999999 }),
    });
    expect(response.status).toBe(422);
    expect(sample(await scrape(), 'bookshelf_database_errors_total{pool="primary",class="23"}')).toBe(before + 1);
  });

  it('the pool: open, idle and waiting connections; the gate verdict at start; process metrics', async () => {
    const text = await scrape();
    expect(sample(text, 'bookshelf_db_pool_connections{pool="primary"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'bookshelf_db_pool_idle{pool="primary"}')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'bookshelf_db_pool_waiting{pool="primary"}')).toBe(0);
    expect(sample(text, 'bookshelf_migration_gate_verdict{verdict="not-run"}')).toBe(1);
    expect(sample(text, 'bookshelf_process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});

describe('never public by accident', () => {
  it('METRICS_HOST off loopback without METRICS_TOKEN: exit 1 before anything starts, saying what to set', async () => {
    const server = runEntrypoint('src/main.ts', database.env({ METRICS_PORT: '0', METRICS_HOST: '0.0.0.0' }));
    expect((await server.exited).code).toBe(1);
    expect(server.stderr()).toContain('METRICS_HOST=0.0.0.0 makes /metrics reachable from the network, and METRICS_TOKEN is not set');
    expect(server.stderr()).toContain('openssl rand -hex 32');
  });
});

describe('prepared-statement fallbacks', () => {
  it('a migration that changes a result type under prepared statements: the query is sent again, unnamed, and counted', async () => {
    const scratch = await createDatabase(adminUrl);
    const reasons: string[] = [];
    const pool = createPool({ url: scratch, onPreparedStatementFallback: (reason) => reasons.push(reason), size: 1 });
    try {
      const names = prepare<{ name: string }[], []>(db.sql`SELECT name FROM authors ORDER BY id`);
      await pool.query(sql`INSERT INTO authors (name) VALUES ('A')`);
      expect(await names(pool)).toEqual([{ name: 'A' }]);
      await pool.query(sql`ALTER TABLE authors ALTER COLUMN name TYPE text`);
      expect(await names(pool)).toEqual([{ name: 'A' }]);
      expect(reasons).toEqual(['result-type']);
    } finally {
      await pool.dispose();
      await dropDatabase(adminUrl, scratch);
    }
  });
});
