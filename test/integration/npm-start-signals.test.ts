import { connect } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { repeatedSignalMs } from '../../src/server.ts';
import { isAlive, npmStart } from '../support/npm-start.ts';
import { useServerDatabase } from '../support/server-database.ts';

/**
 * Issue 21: `kill -TERM <pid of npm start>` used to leave the server running
 * (npm signalled the shell of `build && node …`, which does not pass signals
 * on). Here the signal goes to npm's pid, as a process manager sends it.
 */
const database = useServerDatabase();

interface Serving {
  url: string;
  pid: number;
}

/** Leaves nothing behind, whatever failed: npm, and the server under it (which outlives npm when signals are lost). */
function killAll(server: ReturnType<typeof npmStart>): void {
  const serving = server.output().match(/"msg":"serving"/)
    ? server
        .output()
        .split('\n')
        .find((line) => line.includes('"msg":"serving"'))
    : undefined;
  if (serving) {
    const { pid } = JSON.parse(serving) as Serving;
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  server.child.kill('SIGKILL');
}

/** A request held in flight: a lock on authors makes GET /authors wait until the lock is released. */
async function holdAuthors(): Promise<pg.Client> {
  const locker = new pg.Client({ connectionString: database.url });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE authors IN ACCESS EXCLUSIVE MODE');
  return locker;
}

/** Resolves once nothing accepts connections on the server's port any more. */
async function refusesConnections(base: string, timeoutMs = 10_000): Promise<void> {
  const { hostname, port } = new URL(base);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(port), hostname, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (!accepted) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${base} still accepts connections after ${timeoutMs} ms`);
}

/** Waits until the held request has reached Postgres and waits there on the lock. */
async function waitingOnLock(locker: pg.Client): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const { rows } = await locker.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'",
    );
    if (rows[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the request never reached the lock');
}

describe('npm start and signals', () => {
  it('SIGTERM to the pid of npm start: stops listening, lets the in-flight request finish, exits 0, no server left behind', async () => {
    const server = npmStart(database.env());
    const locker = await holdAuthors();
    try {
      const serving = JSON.parse(await server.waitFor(/"msg":"serving"/)) as Serving;
      expect(serving.pid).not.toBe(server.child.pid); // the server is npm's child, not npm
      const inFlight = fetch(`${serving.url}/authors`);
      await waitingOnLock(locker);

      server.child.kill('SIGTERM');
      await refusesConnections(serving.url);
      expect(isAlive(serving.pid)).toBe(true); // still draining
      await locker.query('ROLLBACK');

      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(Array.isArray(await response.json())).toBe(true);
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(isAlive(serving.pid)).toBe(false);
      expect(server.output()).toContain('"msg":"shut down cleanly"');
    } finally {
      await locker.end();
      killAll(server);
    }
  });

  it('Ctrl-C in a terminal (SIGINT twice within milliseconds: the terminal and npm) still drains and exits 0', async () => {
    const server = npmStart(database.env());
    const locker = await holdAuthors();
    try {
      const serving = JSON.parse(await server.waitFor(/"msg":"serving"/)) as Serving;
      const inFlight = fetch(`${serving.url}/authors`);
      await waitingOnLock(locker);
      process.kill(serving.pid, 'SIGINT');
      process.kill(serving.pid, 'SIGINT');
      await refusesConnections(serving.url);
      await new Promise((resolve) => setTimeout(resolve, repeatedSignalMs + 200));
      expect(isAlive(serving.pid)).toBe(true);
      await locker.query('ROLLBACK');
      expect((await inFlight).status).toBe(200);
      expect((await server.exited).code).toBe(0);
    } finally {
      await locker.end();
      killAll(server);
    }
  });

  it('a second SIGTERM (later than a repeat) exits at once, with 143, while a request is still held', async () => {
    const server = npmStart(database.env());
    const locker = await holdAuthors();
    try {
      const serving = JSON.parse(await server.waitFor(/"msg":"serving"/)) as Serving;
      const inFlight = fetch(`${serving.url}/authors`).then(
        (response) => response.status,
        () => 'cut',
      );
      await waitingOnLock(locker);
      server.child.kill('SIGTERM');
      await server.waitFor(/"msg":"shutting down/);
      await new Promise((resolve) => setTimeout(resolve, repeatedSignalMs + 200));
      server.child.kill('SIGTERM');
      const exit = await server.exited;
      expect(exit.code).toBe(143);
      expect(await inFlight).toBe('cut');
      expect(isAlive(serving.pid)).toBe(false);
      expect(server.output()).toContain('second signal: exiting now');
    } finally {
      await locker.query('ROLLBACK').catch(() => {});
      await locker.end();
      killAll(server);
    }
  });
});
