import { appendFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { atlas, type AtlasRun } from '../../src/atlas/run.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';
import { call, startApp } from '../support/app.ts';
import { atlasLockId, revisions, useMigrationFixture } from '../support/migration-fixture.ts';

/**
 * What the real `atlas migrate apply` does when things go wrong, on a real
 * Postgres: racing deploys, a file failing halfway, a tampered file, and
 * CREATE INDEX CONCURRENTLY outside a transaction.
 */
const adminUrl = inject('adminUrl');
const init = '20261126000606_init_setup.sql';
const fixture = useMigrationFixture();
const emptyDatabase = () => fixture.database({ empty: true });
/** `atlas migrate <command>` on `url`, in `root` (the real repo by default). */
const migrate = (url: string, command: string[], root?: string) =>
  atlas(['migrate', ...command, ...targetFlags({ migrate: url, dev: fixture.dev })], { echo: false, ...(root ? { cwd: root } : {}) });

const columns = async (url: string, table: string) =>
  (
    await adminQuery(url, `SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [table])
  ).rows.map((row: { column_name: string }) => row.column_name);

/**
 * Sessions other than ours on our database: the applies, once connected.
 * Not waiters in pg_locks: Atlas v0.13 blocks on the lock, newer releases
 * poll pg_try_advisory_lock and never show up there as waiting.
 */
const otherSessions = async (client: pg.Client) =>
  Number(
    (await client.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`))
      .rows[0].n,
  );

describe('atlas migrate apply when things go wrong', () => {
  it('two applies contending for the database run each file exactly once', async () => {
    const url = await emptyDatabase();
    // Hold Atlas's own lock until both applies wait on it, so they truly race.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    let runs: AtlasRun[];
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [atlasLockId]);
      let finished = 0;
      const racing = [1, 2].map(() => migrate(url, ['apply', '--lock-timeout', '120s']).finally(() => finished++));
      while ((await otherSessions(holder)) < 2) {
        expect(finished, 'an apply ended before both were connected').toBe(0);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await holder.query('SELECT pg_advisory_unlock($1)', [atlasLockId]);
      runs = await Promise.all(racing);
    } finally {
      await holder.end();
    }
    // Exactly once, as the revisions table and the schema tell (whichever way
    // this Atlas waits for its lock): the other apply waits, then finds
    // nothing to do, or gives up on the lock; it never applies a file again.
    for (const run of runs) {
      if (run.code !== 0) expect(run.stderr).toMatch(/lock/i);
    }
    expect(runs.some((run) => run.code === 0)).toBe(true);
    const executed = runs.flatMap((run) => [...run.stdout.matchAll(/-- migrating version (\d+)/g)].map((m) => m[1]));
    expect(executed.sort()).toEqual(['20261126000606', '20261126000607']);
    expect(await revisions(url)).toEqual(['20261126000606', '20261126000607']);
    expect(await columns(url, 'authors')).toEqual(['id', 'name', 'bio', 'created_at', 'country']);
  });

  it('a file failing at its second statement leaves no trace of its first; fixed and re-hashed, it applies', async () => {
    const scratch = fixture.repo();
    const url = await emptyDatabase();
    const file = scratch.file('migrations', '20261126000608_add_twitter.sql');
    writeFileSync(file, 'ALTER TABLE authors ADD COLUMN twitter text;\nALTER TABLE authors ADD COLUMN name text;\n');
    await fixture.hash(url, scratch.root);

    const failed = await migrate(url, ['apply'], scratch.root);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('column "name" of relation "authors" already exists');
    expect(await revisions(url)).toEqual(['20261126000606', '20261126000607']);
    expect(await columns(url, 'authors')).not.toContain('twitter'); // the file ran in one transaction, rolled back

    writeFileSync(file, 'ALTER TABLE authors ADD COLUMN twitter text;\n');
    await fixture.hash(url, scratch.root);
    const fixed = await migrate(url, ['apply'], scratch.root);
    expect(fixed.code).toBe(0);
    expect(await revisions(url)).toEqual(['20261126000606', '20261126000607', '20261126000608']);
    expect(await columns(url, 'authors')).toContain('twitter');
  });

  it('a tampered, already-applied migration is refused before anything runs', async () => {
    const scratch = fixture.repo();
    const url = await emptyDatabase();
    expect((await migrate(url, ['apply', '1'], scratch.root)).code).toBe(0);
    appendFileSync(scratch.file('migrations', init), 'DROP TABLE books;\n');

    const refused = await migrate(url, ['apply'], scratch.root);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('checksum mismatch');
    expect(refused.stdout).not.toContain('-- migrating version');
    expect(await revisions(url)).toEqual(['20261126000606']);
    expect(await columns(url, 'authors')).not.toContain('country'); // the pending file did not run either
    expect(await columns(url, 'books')).not.toEqual([]);
  });

  describe('CREATE INDEX CONCURRENTLY on a table with 200k rows', () => {
    let url: string;
    beforeAll(async () => {
      url = await createDatabase(adminUrl); // migrated
      await adminQuery(url, `INSERT INTO authors (name) VALUES ('Prolific')`);
      await adminQuery(
        url,
        `INSERT INTO books (title, author_id) SELECT 'Volume ' || n, (SELECT id FROM authors) FROM generate_series(1, 200000) AS n`,
      );
    });
    afterAll(async () => {
      await dropDatabase(adminUrl, url);
    });
    const concurrently = 'CREATE INDEX CONCURRENTLY "books_title_idx" ON "books" ("title");\n';
    const indexes = async () =>
      (await adminQuery(url, `SELECT indexrelid::regclass::text AS name, indisvalid FROM pg_index WHERE indrelid = 'books'::regclass`))
        .rows;

    it('fails inside a transaction (Atlas’s default) and leaves the revision where it was', async () => {
      const scratch = await fixture.repoWith(url, '20261126000608_books_title_idx.sql', concurrently);
      const run = await migrate(url, ['apply'], scratch.root);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('CREATE INDEX CONCURRENTLY cannot run inside a transaction block');
      expect(await revisions(url)).toEqual(['20261126000606', '20261126000607']);
      expect(await indexes()).not.toContainEqual(expect.objectContaining({ name: 'books_title_idx' }));
    });

    it('applies with `-- atlas:txmode none`, leaving a valid index, while the API keeps reading and writing', async () => {
      const scratch = await fixture.repoWith(url, '20261126000608_books_title_idx.sql', `-- atlas:txmode none\n\n${concurrently}`);

      // An open transaction with a snapshot makes CREATE INDEX CONCURRENTLY wait
      // (it waits out older transactions), so the requests below surely run
      // while the index is being built.
      const reader = new pg.Client({ connectionString: url });
      await reader.connect();
      fixture.defer(() => reader.end());
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await reader.query('SELECT count(*) FROM books');

      const app = await startApp(url);
      fixture.defer(app.close);
      const applying = migrate(url, ['apply'], scratch.root);
      const building = async () =>
        Number(
          (await adminQuery(url, `SELECT count(*)::int AS n FROM pg_stat_progress_create_index WHERE relid = 'books'::regclass`)).rows[0].n,
        );
      while ((await building()) === 0) await new Promise((resolve) => setTimeout(resolve, 20));

      const {
        body: [author],
      } = await call(app, 'GET', '/authors?limit=1');
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        statuses.push((await call(app, 'GET', `/books/${author.id}?limit=5`)).status);
        statuses.push((await call(app, 'POST', '/books', { title: `Written during the build ${i}`, author_id: author.id })).status);
        statuses.push((await call(app, 'GET', '/authors')).status);
      }
      expect(await building()).toBe(1); // still building: every request above ran during it
      expect(statuses.filter((status) => status >= 300)).toEqual([]);

      await reader.query('COMMIT');
      const run = await applying;
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(await revisions(url)).toEqual(['20261126000606', '20261126000607', '20261126000608']);
      expect(await indexes()).toContainEqual({ name: 'books_title_idx', indisvalid: true });
      expect((await adminQuery(url, 'SELECT count(*)::int AS n FROM books')).rows[0]).toEqual({ n: 200020 });
    });
  });
});
