import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type ConnectionPool } from '@databases/pg';
import {
  embeddedCredentials,
  embeddedUrl,
  ensureDatabases,
  startEmbedded,
  stopEmbedded,
  type EmbeddedCluster,
} from '../../src/postgres/embedded.ts';
import { applyMigrations } from '../../src/migrate/apply.ts';
import { createPool } from '../../src/db/pool.ts';
import { seed } from '../../src/db/seed.ts';
import { freePort } from '../support/free-port.ts';
import { reapWhenGone } from '../support/reaper.ts';

/**
 * The bench's own Postgres: a fresh embedded cluster in a temp dir on a free
 * port (never the dev one in .pgdata), one database migrated by the real
 * Atlas and seeded with the guide's data; later grown to the large data set.
 */
export interface BenchDatabase {
  dir: string;
  url: string;
  pool: ConnectionPool;
  /** The postmaster's pid (its backends are its children): whose CPU the bench counts as Postgres'. */
  postmasterPid: number;
  dispose(): Promise<void>;
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

export async function startBenchDatabase(log: (line: string) => void): Promise<BenchDatabase> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bookshelf-bench-'));
  chmodSync(dir, 0o755);
  const cluster: EmbeddedCluster = { dataDir: path.join(dir, 'pg'), port: await freePort(), ...embeddedCredentials };
  reapWhenGone(cluster.dataDir, dir); // a bench killed (SIGTERM, SIGKILL, a closed terminal) runs no clean-up of its own
  let t = performance.now();
  await startEmbedded(cluster, log);
  await ensureDatabases(cluster, ['bench', 'bench_dev']);
  const url = embeddedUrl(cluster, 'bench');
  log(`Postgres up on 127.0.0.1:${cluster.port} (${seconds(t)})`);
  t = performance.now();
  await applyMigrations(url, { dev: embeddedUrl(cluster, 'bench_dev') });
  log(`migrations applied by Atlas (${seconds(t)})`);
  const pool = createPool({ url, size: 2 });
  const seeded = await seed(pool);
  log(`seeded the guide's data: ${seeded.authorsAdded} authors, ${seeded.booksAdded} books`);
  return {
    dir,
    url,
    pool,
    postmasterPid: Number(readFileSync(path.join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]),
    dispose: async () => {
      await pool.dispose().catch(() => {});
      try {
        await stopEmbedded(cluster);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Ids of every author, in id order: the /books/{author_id} requests rotate over them. */
export async function authorIds(pool: ConnectionPool): Promise<number[]> {
  const rows = await pool.query(sql`SELECT id FROM authors ORDER BY id`);
  return rows.map((row) => row.id as number);
}

/**
 * The large data set, generated in SQL (one INSERT … SELECT generate_series
 * per table), then ANALYZE. Books are spread over authors round-robin, so an
 * author's ~10 books sit on ~10 different heap pages, as real data would.
 */
export async function growToLargeDataSet(
  pool: ConnectionPool,
  { authors, books }: { authors: number; books: number },
  log: (line: string) => void,
) {
  const timed = async (label: string, work: () => Promise<unknown>) => {
    const started = performance.now();
    const tick = setInterval(() => log(`  … ${label}: ${seconds(started)}`), 5_000);
    try {
      await work();
    } finally {
      clearInterval(tick);
    }
    log(`  ${label}: done in ${seconds(started)}`);
  };
  const [{ first }] = await pool.query(sql`SELECT coalesce(max(id), 0) + 1 AS first FROM authors`);
  log(`generating ${authors.toLocaleString('en')} authors and ${books.toLocaleString('en')} books`);
  await timed(`${authors.toLocaleString('en')} authors`, () =>
    pool.query(sql`
      INSERT INTO authors (name, bio, country)
      SELECT 'Author ' || g,
             'A generated author, number ' || g || ', with a bio of a realistic length for a list page.',
             (ARRAY['United Kingdom', 'United States', 'France', 'Nigeria', 'Japan', NULL])[1 + g % 6]
      FROM generate_series(1, ${authors}) AS g`),
  );
  await timed(`${books.toLocaleString('en')} books`, () =>
    pool.query(sql`
      INSERT INTO books (title, author_id)
      SELECT 'Generated book ' || g, ${first} + (g % ${authors})
      FROM generate_series(1, ${books}) AS g`),
  );
  await timed('ANALYZE', async () => {
    await pool.query(sql`ANALYZE authors`);
    await pool.query(sql`ANALYZE books`);
  });
  const [counts] = await pool.query(sql`SELECT (SELECT count(*) FROM authors)::int AS authors, (SELECT count(*) FROM books)::int AS books`);
  log(`large data set: ${counts.authors.toLocaleString('en')} authors, ${counts.books.toLocaleString('en')} books`);
}

/** The highest book id now: what a create run's books come after. */
export async function lastBookId(pool: ConnectionPool): Promise<number> {
  const [{ last }] = await pool.query(sql`SELECT coalesce(max(id), 0)::int AS last FROM books`);
  return last as number;
}

/**
 * Puts the books table back as it was before a create run: deletes the books
 * it created (ids after `lastBefore`), then VACUUM ANALYZE, so the dead rows
 * and index entries do not slow the reads of later rounds. Reads see the same
 * rows in every round; only the id sequence moves on.
 */
export async function removeBooksAfter(pool: ConnectionPool, lastBefore: number): Promise<number> {
  const [{ deleted }] = await pool.query(
    sql`WITH gone AS (DELETE FROM books WHERE id > ${lastBefore} RETURNING 1) SELECT count(*)::int AS deleted FROM gone`,
  );
  await pool.query(sql`VACUUM (ANALYZE) books`);
  return deleted as number;
}
