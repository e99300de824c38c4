import { writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { atlasOrThrow } from '../../src/atlas/run.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { adminQuery, createDatabase, dropDatabase } from './postgres.ts';
import { scratchRepo } from './scratch-repo.ts';

type ScratchRepo = ReturnType<typeof scratchRepo>;

export interface MigrationFixture {
  /** The file's empty database for Atlas's dev URL (set in beforeAll). */
  readonly dev: string;
  /** Undoes something after the current test; the last one deferred is undone first. */
  defer(cleanup: () => Promise<void> | void): void;
  /** A database of the test's own, dropped after it: a copy of the migrated template, or empty (`{ empty: true }`). */
  database(options?: { empty?: boolean }): Promise<string>;
  /** A scratch copy of the repository's schema files, removed after the test. */
  repo(): ScratchRepo;
  /** Re-hashes `root`'s migrations/ (atlas.sum), as after editing or adding a file. */
  hash(url: string, root: string): Promise<void>;
  /** A scratch repo with one more migration, `file` holding `sql`, hashed. */
  repoWith(url: string, file: string, sql: string): Promise<ScratchRepo>;
}

/**
 * What the tests of migrations going wrong (migration-failures, migration-lock-timeout) stand on: an empty dev
 * database for the file, and databases, scratch repos and clients of each test's own, undone after it.
 */
export function useMigrationFixture(): MigrationFixture {
  const adminUrl = inject('adminUrl');
  const cleanups: (() => Promise<void> | void)[] = [];
  let dev = '';
  const fixture: MigrationFixture = {
    get dev() {
      return dev;
    },
    defer: (cleanup) => void cleanups.push(cleanup),
    async database({ empty = false } = {}) {
      const url = await createDatabase(adminUrl, { empty });
      fixture.defer(() => dropDatabase(adminUrl, url));
      return url;
    },
    repo() {
      const scratch = scratchRepo();
      fixture.defer(scratch.dispose);
      return scratch;
    },
    async hash(url, root) {
      await atlasOrThrow(['migrate', 'hash', ...targetFlags({ migrate: url, dev })], { echo: false, cwd: root });
    },
    async repoWith(url, file, sql) {
      const scratch = fixture.repo();
      writeFileSync(scratch.file('migrations', file), sql);
      await fixture.hash(url, scratch.root);
      return scratch;
    },
  };
  beforeAll(async () => {
    dev = await createDatabase(adminUrl, { empty: true });
  });
  afterAll(async () => {
    if (dev) await dropDatabase(adminUrl, dev);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return fixture;
}

/** The versions applied to `url`, from Atlas's revisions table, in order. */
export const revisions = async (url: string): Promise<string[]> =>
  (await adminQuery(url, 'SELECT version FROM atlas_schema_revisions.atlas_schema_revisions ORDER BY version')).rows.map(
    (row: { version: string }) => row.version,
  );

/** The advisory lock `atlas migrate apply` takes: FNV-1 (32 bit) of "atlas_migrate_execute". */
export const atlasLockId = [...Buffer.from('atlas_migrate_execute')].reduce(
  (hash, byte) => (Math.imul(hash, 16777619) ^ byte) >>> 0,
  2166136261,
);
