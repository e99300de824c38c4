import type { AddressInfo } from 'node:net';
import type { ConnectionPool } from '@databases/pg';
import { expect, inject } from 'vitest';
import { createPool } from '../../src/db/pool.ts';
import { parseEnv } from '../../src/config/env.ts';
import type { Logger } from 'pino';
import type { AuthOptions } from '../../src/http/auth.ts';
import { createApp, type Resources } from '../../src/http/app.ts';
import { seed } from '../../src/db/seed.ts';
import { createHttpServer, type HttpTimeouts } from '../../src/http/http-server.ts';
import { timeUntilSuccess } from './load.ts';
import { expectKeepsDocument } from './openapi-responses.ts';
import { createDatabase, dropDatabase } from './postgres.ts';

/**
 * The real app on a real port over a test database, plus a query counter.
 * Requests go over real HTTP (fetch), as a client's would.
 */
export interface TestApp {
  baseUrl: string;
  pool: ConnectionPool;
  queries: { count: number };
  close(): Promise<void>;
}

export interface AppOptions {
  /** Put the guide's authors and books there first. */
  seeded?: boolean;
  /** The server's HTTP timeouts; the configuration's defaults unless given. */
  timeouts?: HttpTimeouts;
  /** The address to listen on (127.0.0.1 unless given). */
  host?: string;
  /** Bearer tokens for writes (default: none, writes open as on the embedded database). */
  auth?: AuthOptions;
  /** Where the app logs (default: nowhere). */
  logger?: Logger;
  /** Origins allowed to call across origins (CORS_ORIGINS); none unless given. */
  corsOrigins?: string[];
  /** Declared resources and their catalog (default: the project's, src/http/resources.ts). */
  resources?: Resources;
}

const defaultTimeouts: HttpTimeouts = parseEnv({});

/** The app over `url`; with `seeded`, the guide's authors and books are put there first (idempotent). */
export async function startApp(
  url: string,
  { seeded = false, timeouts = defaultTimeouts, host = '127.0.0.1', auth, logger, corsOrigins = [], resources }: AppOptions = {},
): Promise<TestApp> {
  const queries = { count: 0 };
  const pool = createPool({ url, onQueryStart: () => void queries.count++ });
  if (seeded) {
    await seed(pool).catch(async (error: unknown) => {
      await pool.dispose();
      throw error;
    });
  }
  const server = createHttpServer(
    createApp({ db: pool, corsOrigins, ...(auth ? { auth } : {}), ...(logger ? { logger } : {}), ...(resources ? { resources } : {}) }),
    timeouts,
    logger ? { logger } : {},
  ).listen(0, host);
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://${host}:${port}`,
    pool,
    queries,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await pool.dispose();
    },
  };
}

/**
 * startApp over a database of its own, made from the migrated template and
 * holding the guide's authors and books (unless `seeded: false`); close()
 * also drops the database.
 */
export async function startAppOnNewDatabase({ seeded = true, ...options }: AppOptions = {}): Promise<TestApp> {
  const adminUrl = inject('adminUrl');
  const url = await createDatabase(adminUrl);
  let started: TestApp;
  try {
    started = await startApp(url, { seeded, ...options });
  } catch (error) {
    await dropDatabase(adminUrl, url);
    throw error;
  }
  return {
    ...started,
    close: async () => {
      await started.close();
      await dropDatabase(adminUrl, url);
    },
  };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- catalog rows and JSON documents are read as plain JSON
}

/**
 * fetch + JSON: `call(app, 'POST', '/authors', { name: 'x' })`. Every answer
 * is checked against the server's /openapi.json (status declared, content
 * type, body, declared headers; see openapi-responses.ts): a response the
 * document does not describe fails the test that made it.
 */
export async function call(
  app: TestApp,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  { show5xx = false }: { show5xx?: boolean } = {},
): Promise<JsonResponse> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    // A string or bytes go as they are (bytes: e.g. a body that is not UTF-8); anything else as JSON.
    init.body = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${app.baseUrl}${path}`, init);
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  // show5xx: a story that shows a server failure on purpose (no document declares one); everything else is checked.
  if (!(show5xx && response.status >= 500)) {
    await expectKeepsDocument(app.baseUrl, { method, path, status: response.status, headers: response.headers, text });
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/**
 * The API while its database goes away (`away`) and comes back (`back`):
 * the reads and /readyz answer 503 problems that do not hold `secret`, and
 * /healthz stays 200. Returns the milliseconds from `back` to the first 200.
 */
export async function apiOutage(
  app: TestApp,
  { away, back }: { away(): Promise<void>; back(): Promise<void> },
  secret: string,
  label: string,
): Promise<number> {
  expect((await call(app, 'GET', '/authors')).status).toBe(200);
  await away();
  for (const path of ['/authors', '/books/1', '/readyz']) {
    const response = await call(app, 'GET', path);
    expect(response.status, `${path}: ${JSON.stringify(response.body)}`).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/json/);
    expect(response.body).toMatchObject({ status: 503, title: 'Database Unavailable' });
    expect(JSON.stringify(response.body)).not.toContain(secret);
  }
  expect((await call(app, 'GET', '/healthz')).status).toBe(200); // the process is fine
  await back();
  const recovery = await timeUntilSuccess(async () => {
    const { status } = await call(app, 'GET', '/authors');
    if (status !== 200) throw new Error(`status ${status}`);
  });
  console.log(`${label}: first 200 in ${recovery.toFixed(0)} ms`);
  return recovery;
}
