import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEntrypoint, type RunningProcess } from '../support/process.ts';
import { replicated, type Replicated } from '../support/replica.ts';

/**
 * Issue 21, read replicas, against a REAL streaming replica (test/support/replica.ts):
 * GETs read the replica, writes the primary; read-your-writes through
 * `x-read-after-lsn`; a replica lagging or down is taken out and comes back
 * by itself; /readyz says so. The server runs in its own process.
 */
let cluster: Replicated;
beforeAll(async () => {
  cluster = await replicated();
}, 240_000);
afterAll(() => cluster?.dispose());

interface Server {
  process: RunningProcess;
  api: string;
  metrics: string;
}

async function startServer(env: Record<string, string>): Promise<Server> {
  const process = runEntrypoint('src/main.ts', {
    DATABASE_URL: cluster.primary.url,
    DATABASE_READ_URL: cluster.replica.url,
    PORT: '0',
    HOST: '127.0.0.1',
    METRICS_PORT: '0',
    DATABASE_READ_CHECK_MS: '100',
    ...env,
  });
  const api = (JSON.parse(await process.waitFor(/"msg":"serving"/)) as { url: string }).url;
  const metrics = (JSON.parse(await process.waitFor(/"msg":"metrics"/)) as { url: string }).url;
  return { process, api, metrics };
}

async function stopServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.process.child.kill('SIGTERM');
  await server.process.exited;
}

async function onPrimary(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: cluster.primary.url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

async function routed(server: Server, target: string, reason: string): Promise<number> {
  const text = await (await fetch(server.metrics)).text();
  const line = text.split('\n').find((l) => l.startsWith(`bookshelf_reads_routed_total{target="${target}",reason="${reason}"} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

type Readiness = { status: string; replicas: { replica: number; up: boolean; reason?: string; lag_ms?: number }[] };
const readiness = async (server: Server) => (await (await fetch(`${server.api}/readyz`)).json()) as Readiness;

async function until<T>(what: string, probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (ok(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}

/**
 * A server for the enclosing describe block, handed to `use` once it counts the replica in; stopped after the block,
 * with the replica's replay resumed first (a test may leave it paused).
 */
function useServer(env: Record<string, string>, use: (server: Server) => void): void {
  let server: Server | undefined;
  beforeAll(async () => {
    server = await startServer(env);
    use(server);
    await until(
      'replica in',
      () => readiness(server!),
      (r) => r.replicas[0]?.up === true,
    );
  });
  afterAll(async () => {
    await cluster.resumeReplay().catch(() => {});
    await stopServer(server);
  });
}

/** Whether GET /authors/{id} finds the author (200) or not (404), through the server. */
const finds = async (server: Server, id: number, headers: Record<string, string> = {}) => {
  const { status } = await fetch(`${server.api}/authors/${id}`, { headers });
  if (status !== 200 && status !== 404) throw new Error(`GET /authors/${id}: ${status}`);
  return status === 200;
};

/** Inserts an author on the primary directly (not through the server): its id. */
const insertAuthor = async (name: string) =>
  (await onPrimary('INSERT INTO authors (name) VALUES ($1) RETURNING id', [name])).rows[0].id as number;

describe('reads go to the replica, writes to the primary; read-your-writes', () => {
  let server: Server;
  // A lag bound far beyond the test: the paused replica stays in, so where each read went shows in what it sees.
  useServer({ DATABASE_READ_MAX_LAG_MS: '600000', DATABASE_READ_WAIT_MS: '300' }, (started) => (server = started));

  it('/readyz reports the replica; a GET reads the replica (a row it has not replayed yet is not seen)', async () => {
    expect(await readiness(server)).toMatchObject({ status: 'ok', replicas: [{ replica: 1, up: true }] });
    await cluster.pauseReplay();
    const id = await insertAuthor('Written behind the replica’s back');
    const before = await routed(server, 'replica', 'replica');
    expect(await finds(server, id)).toBe(false);
    expect(await routed(server, 'replica', 'replica')).toBe(before + 1);
    await cluster.resumeReplay();
    await cluster.caughtUp();
    expect(await finds(server, id)).toBe(true);
  });

  it('a write answers with the primary’s WAL position; a read presenting it sees the write: from the primary when the replica has not replayed it, after a bounded wait', async () => {
    await cluster.pauseReplay();
    const created = await fetch(`${server.api}/authors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Read your own write' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    const lsn = created.headers.get('x-read-after-lsn');
    expect(lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    const timeoutsBefore = await routed(server, 'primary', 'wait-timeout');
    const started = Date.now();
    expect(await finds(server, id, { 'x-read-after-lsn': lsn! })).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250); // it waited for the replica first (DATABASE_READ_WAIT_MS=300)
    expect(await routed(server, 'primary', 'wait-timeout')).toBe(timeoutsBefore + 1);
    expect(await finds(server, id)).toBe(false); // without the position: the (paused) replica

    await cluster.resumeReplay();
    await cluster.caughtUp();
    const replicaBefore = await routed(server, 'replica', 'replica');
    expect(await finds(server, id, { 'x-read-after-lsn': lsn! })).toBe(true);
    expect(await routed(server, 'replica', 'replica')).toBe(replicaBefore + 1);
  });

  it('a malformed x-read-after-lsn is a 422 naming the header', async () => {
    const response = await fetch(`${server.api}/authors/1`, { headers: { 'x-read-after-lsn': "0/1'; DROP TABLE authors" } });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ errors: [{ loc: ['header', 'x-read-after-lsn'] }] });
  });

  it('read-your-writes under concurrent writes: every client reads back its own write at once, most of them from the replica', async () => {
    let writing = true;
    const background = (async () => {
      for (let i = 0; writing; i++) await onPrimary(`INSERT INTO books (title, author_id) SELECT 'noise ${i}', min(id) FROM authors`);
    })();
    const replicaBefore = await routed(server, 'replica', 'replica');
    const client = async (c: number) => {
      const misses: string[] = [];
      for (let i = 0; i < 10; i++) {
        const name = `client ${c} write ${i}`;
        const created = await fetch(`${server.api}/authors`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name }),
        });
        const { id } = (await created.json()) as { id: number };
        const read = await fetch(`${server.api}/authors/${id}`, {
          headers: { 'x-read-after-lsn': created.headers.get('x-read-after-lsn')! },
        });
        if (read.status !== 200 || ((await read.json()) as { name: string }).name !== name) misses.push(`${name}: ${read.status}`);
      }
      return misses;
    };
    const misses = (await Promise.all(Array.from({ length: 8 }, (_, c) => client(c)))).flat();
    writing = false;
    await background;
    expect(misses).toEqual([]);
    expect(await routed(server, 'replica', 'replica')).toBeGreaterThan(replicaBefore + 40); // of 80 reads: not everything fell back to the primary
  });
});

describe('a replica lagging or down is taken out, and comes back by itself', () => {
  let server: Server;
  useServer({ DATABASE_READ_MAX_LAG_MS: '500', DATABASE_READ_WAIT_MS: '100' }, (started) => (server = started));

  it('lagging beyond DATABASE_READ_MAX_LAG_MS: out (reads see the primary), /readyz says why; caught up: back', async () => {
    await cluster.pauseReplay();
    const id = await insertAuthor('While the replica lags');
    const out = await until(
      'replica out',
      () => readiness(server),
      (r) => r.replicas[0]?.up === false,
    );
    expect(out.status).toBe('ok'); // the server stays ready: reads go to the primary
    expect(out.replicas[0]!.reason).toMatch(/^lagging \d+ ms behind the primary \(bound: 500 ms\)$/);
    expect(await finds(server, id)).toBe(true);
    await server.process.waitFor(/"msg":"read replica taken out/, 5_000);
    await cluster.resumeReplay();
    const back = await until(
      'replica back',
      () => readiness(server),
      (r) => r.replicas[0]?.up === true,
    );
    expect(back.replicas[0]!.lag_ms).toBeLessThanOrEqual(500);
    await server.process.waitFor(/"msg":"read replica back/, 5_000);
  });

  it('stopped: reads keep answering (from the primary), /readyz says it does not answer; started again: back', async () => {
    let reading = true;
    const statuses: number[] = [];
    const reader = (async () => {
      while (reading)
        statuses.push(
          await fetch(`${server.api}/authors`).then(
            (response) => response.status,
            () => -1,
          ),
        );
    })();
    await cluster.replica.stop();
    const out = await until(
      'replica out',
      () => readiness(server),
      (r) => r.replicas[0]?.up === false,
    );
    expect(out.replicas[0]!.reason).toBe('does not answer'); // the error, which names the host, goes to the log only
    expect(JSON.stringify(out)).not.toContain(String(cluster.replica.cluster.port));
    const logged = await server.process.waitFor(/"reason":"does not answer".*"msg":"read replica taken out/, 5_000);
    expect(JSON.parse(logged)).toMatchObject({ replica: 1, reason: 'does not answer', err: expect.any(String) });
    expect(server.process.output()).not.toContain(cluster.primary.cluster.password);
    // While the replica is down, reads answer from the primary: counted here, not left to the background reader's pace.
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${server.api}/authors`)).status);
    await cluster.replica.start();
    await until(
      'replica back',
      () => readiness(server),
      (r) => r.replicas[0]?.up === true,
      60_000,
    );
    reading = false;
    await reader;
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${server.api}/authors`)).status);
    expect(statuses.length).toBeGreaterThanOrEqual(10); // at least the 5 + 5 counted reads; a slow machine adds fewer in between
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  });
});
