import path from 'node:path';
import { rmSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { atlasOrThrow } from '../../src/atlas/run.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';
import { runEntrypoint, runToEnd } from '../support/process.ts';
import { scratchRepo } from '../support/scratch-repo.ts';

/**
 * The gate wherever migrations are applied: `npm run db:apply` (and its
 * --dry-run) and a migrating `npm start`, each run as its own process from a
 * runnable scratch copy of the project that holds an unreviewed destructive
 * migration (the rename Atlas writes as DROP COLUMN + ADD COLUMN). Each must
 * refuse before anything runs and leave the data as it was.
 */
const adminUrl = inject('adminUrl');
const renameFile = '20261126010000_rename_bio.sql';
const renameSql = 'ALTER TABLE "authors" DROP COLUMN "bio", ADD COLUMN "biography" text NULL;\n';
let dev: string;
let live: string;
let repo: ReturnType<typeof scratchRepo>;

beforeAll(async () => {
  dev = await createDatabase(adminUrl, { empty: true });
});
afterAll(async () => {
  await dropDatabase(adminUrl, dev);
});
beforeEach(async () => {
  live = await createDatabase(adminUrl); // migrated to the committed migrations
  await adminQuery(live, `INSERT INTO authors (name, bio) SELECT 'author ' || i, 'bio ' || i FROM generate_series(1, 599) AS i`);
  repo = scratchRepo({ runnable: true });
  await writeMigration(renameSql);
});
afterEach(async () => {
  repo.dispose();
  await dropDatabase(adminUrl, live);
});

async function writeMigration(sql: string, file = renameFile): Promise<void> {
  writeFileSync(repo.file('migrations', file), sql);
  await atlasOrThrow(['migrate', 'hash', ...targetFlags({ migrate: dev, dev })], { echo: false, cwd: repo.root });
}

/** What the refused migration would destroy, and what Atlas recorded as applied. */
async function state() {
  const bios = await adminQuery(live, `SELECT count(*)::int AS n FROM authors WHERE bio LIKE 'bio %'`);
  const revisions = await adminQuery(live, 'SELECT version FROM atlas_schema_revisions.atlas_schema_revisions ORDER BY version');
  return { bios: bios.rows[0].n as number, revisions: revisions.rows.map((row) => row.version as string) };
}
const untouched = { bios: 599, revisions: ['20261126000606', '20261126000607'] };

const env = () => {
  const vars: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: live, ATLAS_DEV_URL: dev };
  delete vars.DIRECT_DATABASE_URL;
  return vars;
};
const dbApply = (...args: string[]) =>
  runToEnd(path.join(repo.root, 'node_modules', '.bin', 'tsx'), ['src/commands/main.ts', 'apply', ...args], { cwd: repo.root, env: env() });

/** The refusal names the file, the line, each rule and its opt-out. */
function expectRefusal(output: string) {
  expect(output).toContain(
    `${renameFile}:1: Dropping non-virtual column "bio" (DS103, destructive) If intended: \`-- atlas:nolint destructive\``,
  );
  expect(output).toContain(`${renameFile}:1: "authors" drops "bio" and adds "biography" in one migration: probably a rename`);
  expect(output).toContain('Write `ALTER TABLE "authors" RENAME COLUMN "bio" TO "biography";` instead');
  expect(output).toContain('(bookshelf drop-add-column) If intended: `-- bookshelf:allow drop-add-column`');
  expect(output).not.toContain(`:${new URL(live).password}@`);
}

describe('npm run db:apply runs the gate on the pending migrations first', () => {
  it('refuses an unreviewed DROP + ADD (a rename that loses every value), applies nothing, exits 1', async () => {
    const run = await dbApply();
    expect(run.code).toBe(1);
    expect(run.output).toContain(
      'error: refusing to apply 1 pending migration(s): the migration gate found 2 problem(s); nothing was applied.',
    );
    expectRefusal(run.output);
    expect(run.output).toContain('rows: "authors"."bio": 599 of 599 non-null values would be lost');
    expect(await state()).toEqual(untouched);
  });

  it('--dry-run prints the SQL that would run and the verdict, and applies nothing', async () => {
    const run = await dbApply('--dry-run');
    expect(run.code).toBe(1);
    expect(run.output).toContain('ALTER TABLE "authors" DROP COLUMN "bio", ADD COLUMN "biography" text NULL;');
    expectRefusal(run.output);
    expect(run.output).toContain('the migration gate would refuse 1 pending migration(s) (2 problem(s)); nothing was applied.');
    expect(run.output).toContain('rows: "authors"."bio": 599 of 599 non-null values would be lost');
    expect(await state()).toEqual(untouched);
  });

  it('--dry-run counts the rows of the target that a reviewed (opted-out) narrowing would change', async () => {
    rmSync(repo.file('migrations', renameFile));
    await writeMigration('ALTER TABLE "books" ADD COLUMN "price" numeric(4,2) NULL;\n', '20261126010000_add_price.sql');
    expect((await dbApply()).code).toBe(0);
    await adminQuery(
      live,
      `INSERT INTO books (title, author_id, price)
       SELECT title, (SELECT min(id) FROM authors), price
         FROM (VALUES ('The Fellowship of the Ring', 0.99), ('The Two Towers', 2.99), ('Emma', 4.50), ('Persuasion', 10.00)) AS v (title, price)`,
    );
    await writeMigration(
      '-- bookshelf:allow narrowing-type-change\n-- squawk-ignore-file changing-column-type\n' +
        'ALTER TABLE "books" ALTER COLUMN "price" TYPE numeric(4,1), ALTER COLUMN "title" TYPE character varying(20);\n',
      '20261126010001_narrow.sql',
    );
    const dry = await dbApply('--dry-run');
    expect(dry.output).toContain('the migration gate accepts 1 pending migration(s); nothing was applied.');
    expect(dry.code).toBe(0);
    expect(dry.output).toMatch(/^warning: 20261126010001_narrow\.sql:3: "books"\."price" narrows from numeric\(4,2\) to numeric\(4,1\)/m);
    expect(dry.output).toContain('rows: "books"."price": 2 of 4 non-null values would be changed or make the ALTER fail (e.g. 0.99)');
    expect(dry.output).toContain(
      'rows: "books"."title": 1 of 4 non-null values would be changed or make the ALTER fail (e.g. The Fellowship of the Ring)',
    );
    const prices = await adminQuery(live, 'SELECT price::text FROM books ORDER BY id');
    expect(prices.rows.map((row) => row.price)).toEqual(['0.99', '2.99', '4.50', '10.00']);
  });

  it('with the reviewed opt-outs in the file, --dry-run accepts and db:apply applies it', async () => {
    await writeMigration(`-- atlas:nolint destructive\n-- bookshelf:allow drop-add-column\n\n${renameSql}`);
    const dry = await dbApply('--dry-run');
    expect(dry.output).toContain('the migration gate accepts 1 pending migration(s); nothing was applied.');
    expect(dry.code).toBe(0);
    expect(await state()).toEqual(untouched);

    const run = await dbApply();
    expect(run.output).toMatch(/^warning: 20261126010000_rename_bio\.sql:4: "authors" drops "bio" and adds "biography"/m); // allowed, still shown
    expect(run.output).toMatch(/^migration gate: 1 pending migration\(s\) accepted with \d+ warning\(s\)$/m);
    expect(run.output).toContain(`db:apply: applied 1 migration(s): ${renameFile}`);
    expect(run.code).toBe(0);
    const columns = await adminQuery(
      live,
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'authors' ORDER BY ordinal_position`,
    );
    expect(columns.rows.map((row) => row.column_name)).toEqual(['id', 'name', 'created_at', 'country', 'biography']);
  });
  it('a migration edited after atlas.sum was written stops db:apply with the reason (in the project’s words), applying nothing', async () => {
    writeFileSync(repo.file('migrations', renameFile), '-- edited after hashing\nALTER TABLE "authors" ADD COLUMN "born" date NULL;\n');
    const run = await dbApply();
    expect(run.code).toBe(1);
    expect(run.output).toMatch(
      /error: the migration gate could not judge the pending migrations, so nothing was applied: atlas migrate status failed: migrations\/atlas\.sum does not match the files in migrations\//,
    );
    expect(run.output).not.toMatch(/^\s+at /m); // a message, not a stack trace
    expect(await state()).toEqual(untouched);
  });
});

describe('a migrating npm start runs the same gate', () => {
  it('MIGRATE_ON_START=1 refuses the unreviewed migration: exits 1 before serving, data untouched', async () => {
    const server = runEntrypoint(repo.file('src', 'main.ts'), {
      DATABASE_URL: live,
      ATLAS_DEV_URL: dev,
      MIGRATE_ON_START: '1',
      PORT: '0',
      HOST: '127.0.0.1',
    });
    try {
      // Without the gate it would serve; fail fast then instead of waiting for an exit that never comes.
      const outcome = await server.waitFor(/"msg":"serving"/).then(
        () => 'served',
        async () => `exit ${(await server.exited).code}`,
      );
      expect(outcome).toBe('exit 1');
      const output = server.output();
      expect(output).toContain('refusing to apply 1 pending migration(s)');
      expect(output).toContain('probably a rename');
      expect(await state()).toEqual(untouched);
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('MIGRATE_ON_START=1 without a scratch database says what to set, and applies nothing', async () => {
    const server = runEntrypoint(repo.file('src', 'main.ts'), { DATABASE_URL: live, MIGRATE_ON_START: '1', PORT: '0', HOST: '127.0.0.1' });
    expect((await server.exited).code).toBe(1);
    expect(server.output()).toContain('the migration gate checks the 1 pending migration(s) on a scratch database before they run');
    expect(server.output()).toContain('set ATLAS_DEV_URL');
    expect(await state()).toEqual(untouched);
  });
});
