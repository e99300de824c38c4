import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { CommandError } from '../../src/errors/user-error.ts';
import { parseEnv } from '../../src/config/env.ts';
import { applyMigrations } from '../../src/migrate/apply.ts';
import { withLockTimeout } from '../../src/migrate/lock-timeout.ts';
import { call, startApp, type TestApp } from '../support/app.ts';
import { atlasLockId, revisions, useMigrationFixture } from '../support/migration-fixture.ts';
import { adminQuery } from '../support/postgres.ts';

/**
 * Issue 10 §3: a migration waits for its lock at most MIGRATION_LOCK_TIMEOUT_MS.
 * A transaction holds a lock on `books` (ACCESS SHARE, as any open reader
 * does) while the API serves reads and the real apply path runs
 * `ALTER TABLE books ADD COLUMN …`, which needs ACCESS EXCLUSIVE and so
 * waits; every read that arrives after it queues behind it. With the bound,
 * the ALTER gives up, reads keep flowing, nothing is applied, and a retry
 * after the holder is gone applies the file. Without it, reads stall until
 * the holder lets go.
 */
const migration = '20261126000608_add_pages_to_books.sql';
const addPages = 'ALTER TABLE "books" ADD COLUMN "pages" integer NULL;\n';
const fixture = useMigrationFixture();

interface Scene {
  url: string;
  root: string;
  app: TestApp;
  authorId: number;
  holder: pg.Client;
}

/** A migrated database with the guide's data, the API over it, a pending ALTER TABLE books, and a session that holds ACCESS SHARE on books. */
async function scene(): Promise<Scene> {
  const url = await fixture.database();
  const scratch = await fixture.repoWith(url, migration, addPages);
  const app = await startApp(url, { seeded: true });
  fixture.defer(app.close);
  const {
    body: [author],
  } = await call(app, 'GET', '/authors?limit=1');
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  fixture.defer(() => holder.end());
  await holder.query('BEGIN');
  await holder.query('LOCK TABLE books IN ACCESS SHARE MODE');
  return { url, root: scratch.root, app, authorId: author.id, holder };
}

/** Reads of an author's books on `lanes` concurrent lanes until stopped: how many succeeded, failed, and the slowest. */
function readLoop(app: TestApp, authorId: number, lanes = 2) {
  const stats = { ok: 0, failed: 0, maxMs: 0 };
  let running = true;
  const lanesDone = Array.from({ length: lanes }, async () => {
    while (running) {
      const start = performance.now();
      const { status } = await call(app, 'GET', `/books/${authorId}`);
      stats.maxMs = Math.max(stats.maxMs, performance.now() - start);
      if (status === 200) stats.ok++;
      else stats.failed++;
    }
  });
  return {
    stats,
    stop: async () => {
      running = false;
      await Promise.all(lanesDone);
      return stats;
    },
  };
}

/** The baseline: the slowest of `count` reads on the same lanes, the holder holding but no migration waiting. */
async function baselineMaxMs(app: TestApp, authorId: number, count = 150): Promise<number> {
  const loop = readLoop(app, authorId);
  while (loop.stats.ok + loop.stats.failed < count) await new Promise((resolve) => setTimeout(resolve, 5));
  const stats = await loop.stop();
  expect(stats.failed).toBe(0);
  return stats.maxMs;
}

const bookColumns = async (url: string) =>
  (
    await adminQuery(url, `SELECT column_name FROM information_schema.columns WHERE table_name = 'books' ORDER BY ordinal_position`)
  ).rows.map((row: { column_name: string }) => row.column_name);
/** Sessions of `url`'s database waiting for a heavyweight lock, running a statement that starts with `prefix`. */
const lockWaiters = async (url: string, prefix: string) =>
  Number(
    (
      await adminQuery(
        url,
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE $1`,
        [`${prefix}%`],
      )
    ).rows[0].n,
  );
async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('a migration waiting for a lock on books, while the API reads books', () => {
  it('with the bound, reads keep flowing and the apply fails cleanly, naming the lock and what to do', async () => {
    const { url, root, app, authorId } = await scene();
    const baseline = await baselineMaxMs(app, authorId);

    const loop = readLoop(app, authorId);
    const lines: string[] = [];
    const failure = await applyMigrations(url, {
      dev: fixture.dev,
      root,
      lockTimeoutMs: 100,
      lockRetries: 1,
      retryDelayMs: 50,
      log: (line) => lines.push(line),
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const during = await loop.stop();
    console.log(
      `bounded (lock_timeout 100 ms, 2 attempts): ${during.ok} reads during the apply, slowest ${during.maxMs.toFixed(1)} ms; baseline slowest ${baseline.toFixed(1)} ms`,
    );

    expect(failure).toBeInstanceOf(CommandError);
    const message = (failure as Error).message;
    expect(message).toContain(
      `${migration} waited longer than lock_timeout (100 ms) for a lock (ALTER TABLE "books" ADD COLUMN "pages" integer NULL;)`,
    );
    expect(message).toContain('2 time(s); nothing of that file was applied');
    expect(message).toMatch(/pg_blocking_pids.*run `npm run db:apply` again/);
    expect(lines).toContainEqual(expect.stringMatching(/Retry 1 of 1/));
    expect(await bookColumns(url)).not.toContain('pages');
    expect(await revisions(url)).toEqual(['20261126000606', '20261126000607']);

    expect(during.failed).toBe(0);
    expect(during.ok).toBeGreaterThan(20);
    expect(during.maxMs / baseline).toBeLessThan(20);
  });

  it('with the bound, the apply succeeds on a retry once the holder lets go', async () => {
    const { url, root, holder } = await scene();
    const lines: string[] = [];
    const applying = applyMigrations(url, {
      dev: fixture.dev,
      root,
      lockTimeoutMs: 100,
      lockRetries: 5,
      retryDelayMs: 200,
      log: (line) => {
        lines.push(line);
        if (/Retry 1 of 5/.test(line)) void holder.query('COMMIT');
      },
    });
    await expect(applying).resolves.toMatchObject({ applied: [migration] });
    expect(lines.filter((line) => line.includes('Retry'))).toHaveLength(1);
    expect(await bookColumns(url)).toContain('pages');
    expect(await revisions(url)).toEqual(['20261126000606', '20261126000607', '20261126000608']);
  });

  it('without the bound (MIGRATION_LOCK_TIMEOUT_MS=0), a read that arrives while the ALTER waits stalls until the holder lets go', async () => {
    const { url, root, app, authorId, holder } = await scene();
    const config = parseEnv({ MIGRATION_LOCK_TIMEOUT_MS: '0' });
    const applying = applyMigrations(url, { dev: fixture.dev, root, lockTimeoutMs: config.MIGRATION_LOCK_TIMEOUT_MS });
    await until(async () => (await lockWaiters(url, 'ALTER TABLE')) === 1);

    let settled = false;
    const read = call(app, 'GET', `/books/${authorId}`).finally(() => (settled = true));
    // The read's query is queued behind the waiting ALTER (not behind the holder: ACCESS SHARE does not conflict with it).
    await until(async () => (await lockWaiters(url, 'SELECT')) >= 1);
    expect(await lockWaiters(url, 'ALTER TABLE')).toBe(1);
    expect(settled).toBe(false);

    await holder.query('COMMIT');
    expect((await read).status).toBe(200);
    await expect(applying).resolves.toMatchObject({ applied: [migration] });
    expect(await bookColumns(url)).toContain('pages');
  });
});

describe('where a lock timeout is not retried, or is not on a table', () => {
  it('a CREATE INDEX CONCURRENTLY file (atlas:txmode none) that times out is not retried, and the message says what is left', async () => {
    const url = await fixture.database();
    const scratch = await fixture.repoWith(
      url,
      '20261126000608_books_title_idx.sql',
      '-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY "books_title_idx" ON "books" ("title");\n',
    );
    // An open snapshot: CONCURRENTLY waits for it to end before it can finish.
    const reader = new pg.Client({ connectionString: url });
    await reader.connect();
    fixture.defer(() => reader.end());
    await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await reader.query('SELECT count(*) FROM books');

    const lines: string[] = [];
    const failure = await applyMigrations(url, {
      dev: fixture.dev,
      root: scratch.root,
      lockTimeoutMs: 200,
      lockRetries: 3,
      retryDelayMs: 50,
      log: (line) => lines.push(line),
    }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(
      /^20261126000608_books_title_idx\.sql waited longer than lock_timeout \(200 ms\).*runs outside a transaction.*INVALID index/,
    );
    expect(lines.filter((line) => line.includes('Retry'))).toEqual([]);
    const [index] = (await adminQuery(url, `SELECT indisvalid FROM pg_index WHERE indexrelid = 'books_title_idx'::regclass`)).rows;
    expect(index).toEqual({ indisvalid: false });
  });

  it('an apply that waits for another apply (Atlas’s advisory lock) times out the same way, and says so', async () => {
    const url = await fixture.database();
    const scratch = await fixture.repoWith(url, migration, addPages);
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    fixture.defer(() => other.end());
    await other.query('SELECT pg_advisory_lock($1)', [atlasLockId]);

    const failure = await applyMigrations(url, { dev: fixture.dev, root: scratch.root, lockTimeoutMs: 200, lockRetries: 0 }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(
      /waited longer than lock_timeout \(200 ms\) for a lock \(Atlas's own lock: another apply is running\)/,
    );
    expect(await bookColumns(url)).not.toContain('pages');
  });
});

describe('withLockTimeout', () => {
  it('sets lock_timeout as a startup option, keeping options the URL had (Neon’s endpoint=…)', () => {
    const url = withLockTimeout('postgresql://u:p@h/db?options=endpoint%3Dep-x&sslmode=require', 2000);
    expect(new URL(url).searchParams.get('options')).toBe('endpoint=ep-x -c lock_timeout=2000');
    expect(new URL(withLockTimeout(url, 0)).searchParams.get('options')).toBe('endpoint=ep-x -c lock_timeout=0');
  });
});
