import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { diffMigration } from '../../src/catalog/diff-migration.ts';
import { diffMigrationWithTypes } from '../../src/codegen/diff-types.ts';
import { typesFromMigrations } from '../../src/commands/db-types.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { builtBinary } from '../../src/atlas/locate.mjs';
import { restoringOnFailure } from '../../src/project/restore-on-failure.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';
import { filesUnder } from '../support/project-copy.ts';
import { scratchRepo } from '../support/scratch-repo.ts';

/**
 * Issue 19 E: db:diff generates the zapatos types from the replay that
 * proves its migration (Atlas replaying migrations/ from empty, the new file
 * included), not from a second replay of its own: on an application-sized
 * first migration each replay took about 6 s. The types must be exactly the
 * files `npm run db:types` writes, for a change Atlas writes alone and for one
 * db:diff completes; a failure while making them is passed on as it is.
 */
const adminUrl = inject('adminUrl');
let dev: string;
/** A stand-in for Atlas (ATLAS_BIN) that logs each command line with its directory, then runs our build. */
const spy = mkdtempSync(path.join(tmpdir(), 'bookshelf-atlas-spy-'));
const calls = path.join(spy, 'calls.log');

beforeAll(async () => {
  dev = await createDatabase(adminUrl, { empty: true });
  writeFileSync(path.join(spy, 'atlas'), `#!/bin/sh\necho "$PWD: $*" >> '${calls}'\nexec '${builtBinary}' "$@"\n`);
  chmodSync(path.join(spy, 'atlas'), 0o755);
  process.env.ATLAS_BIN = path.join(spy, 'atlas');
});
afterAll(async () => {
  delete process.env.ATLAS_BIN;
  rmSync(spy, { recursive: true, force: true });
  await dropDatabase(adminUrl, dev);
});

type Repo = ReturnType<typeof scratchRepo>;
const flags = () => targetFlags({ migrate: dev, dev });
/** The `atlas migrate apply` runs (the replays) since the log was cleared, by the directory they ran in. */
const replaysIn = () =>
  readFileSync(calls, 'utf8')
    .split('\n')
    .filter((line) => / migrate apply /.test(line))
    .map((line) => line.slice(0, line.indexOf(': ')));
const tablesIn = async (url: string) =>
  (await adminQuery(url, `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`)).rows[0]
    .n as number;

describe.each([
  ['a table Atlas writes alone', '\nCREATE TABLE later (id integer PRIMARY KEY, title text NOT NULL);\n'],
  [
    'a view and a trigger db:diff adds',
    '\nCREATE VIEW author_names AS SELECT id, name FROM authors;\n' +
      'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n' +
      'CREATE TRIGGER books_touch BEFORE UPDATE ON books FOR EACH ROW EXECUTE FUNCTION touch();\n',
  ],
])('%s', (_, sql) => {
  let repo: Repo;
  beforeAll(() => {
    repo = scratchRepo();
    appendFileSync(repo.file('schema.sql'), sql);
  });
  afterAll(() => repo.dispose());

  it('the types come from the replay that proved the migration, and equal what db:types writes', { timeout: 180_000 }, async () => {
    writeFileSync(calls, '');
    const written = await diffMigrationWithTypes({
      root: repo.root,
      devUrl: dev,
      name: 'change',
      atlasFlags: flags(),
      echo: false,
      outDir: repo.file('src', 'db'),
      log: () => {},
      warn: () => {},
    });
    expect(written).toMatch(/_change\.sql$/);
    // Two replays: migrations/ without the new file (a working copy, to plan from), then all of them in the project,
    // by Atlas, from empty: the proof, and the types. Before, the types replayed a third time.
    const replays = replaysIn();
    expect(replays).toHaveLength(2);
    expect(replays[1]).toBe(repo.root);
    expect(await tablesIn(dev)).toBe(0); // the dev database is emptied again
    const fromDiff = filesUnder(repo.file('src', 'db', 'zapatos'));
    expect(fromDiff.get('schema.d.ts')).toMatch(/export namespace (later|author_names) \{/);

    const out = mkdtempSync(path.join(tmpdir(), 'bookshelf-db-types-'));
    try {
      await typesFromMigrations(dev, out, false, repo.root);
      expect(fromDiff).toEqual(filesUnder(path.join(out, 'zapatos')));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("what db:diff's caller sees while the migration's replay is in the dev database", () => {
  it('every migration, the new one included, applied by Atlas; emptied after; nothing said when nothing changed', async () => {
    const repo = scratchRepo();
    try {
      appendFileSync(repo.file('schema.sql'), '\nCREATE VIEW book_titles AS SELECT id, title FROM books;\n');
      let applied: string[] = [];
      let tables = 0;
      const written = await diffMigration({
        root: repo.root,
        devUrl: dev,
        name: 'titles',
        atlasFlags: flags(),
        echo: false,
        whileReplayed: async (url) => {
          applied = (await adminQuery(url, 'SELECT version FROM atlas_schema_revisions.atlas_schema_revisions ORDER BY version')).rows.map(
            (row: { version: string }) => row.version,
          );
          tables = await tablesIn(url);
        },
      });
      const versions = readFileSync(repo.file('migrations', 'atlas.sum'), 'utf8')
        .split('\n')
        .slice(1)
        .filter(Boolean)
        .map((line) => line.split('_')[0]);
      expect(written?.split('_')[0]).toBe(versions.at(-1));
      expect(applied).toEqual(versions);
      expect(tables).toBe(3); // authors, books, Atlas's revisions
      expect(await tablesIn(dev)).toBe(0);

      let called = false;
      const again = await diffMigration({
        root: repo.root,
        devUrl: dev,
        name: 'again',
        atlasFlags: flags(),
        echo: false,
        whileReplayed: async () => void (called = true),
      });
      expect(again).toBeUndefined();
      expect(called).toBe(false);
    } finally {
      repo.dispose();
    }
  });

  it("its failure is passed on as it is (not as db:diff's own), and leaves the project and the dev database as they were", async () => {
    const repo = scratchRepo();
    try {
      appendFileSync(repo.file('schema.sql'), '\nCREATE VIEW book_ids AS SELECT id FROM books;\n');
      const before = filesUnder(repo.file('migrations'));
      const failure = new Error('the types failed');
      const error = await restoringOnFailure(repo.root, () =>
        diffMigration({
          root: repo.root,
          devUrl: dev,
          name: 'ids',
          atlasFlags: flags(),
          echo: false,
          whileReplayed: () => Promise.reject(failure),
        }),
      ).catch((caught: unknown) => caught);
      expect(error).toBe(failure);
      expect(filesUnder(repo.file('migrations'))).toEqual(before);
      expect(await tablesIn(dev)).toBe(0);
    } finally {
      repo.dispose();
    }
  });
});
