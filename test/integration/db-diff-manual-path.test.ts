import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../src/project/paths.mjs';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { diffMigration } from '../../src/catalog/diff-migration.ts';
import { hashMigrations, newMigration } from '../../src/catalog/migration-file.ts';
import { checkProject } from '../../src/project-check/check-project.ts';
import { CommandError } from '../../src/errors/user-error.ts';
import { typesFromMigrations } from '../../src/commands/db-types.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { resetScratchDatabase } from '../../src/postgres/scratch.ts';
import { createDatabase, dropDatabase } from '../support/postgres.ts';
import { runToEnd } from '../support/process.ts';
import { scratchRepo } from '../support/scratch-repo.ts';

/**
 * Where db:diff cannot decide safely (here: a domain's CHECK changes; Atlas
 * does not see domains, and db:diff writes no ALTER DOMAIN), it stops,
 * names the object and the manual path, and leaves migrations/ and atlas.sum
 * as they were. The manual path: `npm run db:new -- <name>` gives an empty,
 * hashed migration; the SQL written into it is verified by db:check.
 */
const adminUrl = inject('adminUrl');
let dev: string;
let repo: ReturnType<typeof scratchRepo>;

beforeAll(async () => {
  dev = await createDatabase(adminUrl, { empty: true });
  repo = scratchRepo();
});
afterAll(async () => {
  repo.dispose();
  await dropDatabase(adminUrl, dev);
});

const base = () => readFileSync(repo.file('schema.sql'), 'utf8');
const diff = (name: string) =>
  diffMigration({ root: repo.root, devUrl: dev, name, atlasFlags: targetFlags({ migrate: dev, dev }), echo: false });
const snapshot = () =>
  Object.fromEntries(readdirSync(repo.file('migrations')).map((f) => [f, readFileSync(repo.file('migrations', f), 'utf8')]));
// Atlas's lint (db:check's last step here) leaves domains in the dev database, which the next
// db:check's first step trips over: starting every check from an empty one is issue 9 §3, not this test's subject.
const failures = async () =>
  (await resetScratchDatabase(dev), await checkProject({ root: repo.root, devUrl: dev }))
    .filter((r) => r.status === 'fail')
    .map((r) => [r.name, r.reason, ...(r.details ?? [])].join('\n'));

it(
  'a changed domain stops db:diff with the object and the manual path; db:new and hand-written SQL pass db:check',
  { timeout: 240_000 },
  async () => {
    const guide = base();
    const domain = (max: number) =>
      `${guide}\nCREATE DOMAIN rating AS integer CHECK (VALUE BETWEEN 1 AND ${max});\nCREATE TABLE ratings (book_id integer PRIMARY KEY REFERENCES books (id), stars rating NOT NULL);\n`;
    writeFileSync(repo.file('schema.sql'), domain(5));
    expect(await diff('add_ratings')).toMatch(/_add_ratings\.sql$/);
    await typesFromMigrations(dev, repo.file('src', 'db'), false, repo.root);
    expect(await failures()).toEqual([]);

    writeFileSync(repo.file('schema.sql'), domain(10));
    const before = snapshot();
    const error = await diff('widen_rating').then(
      () => expect.fail('db:diff wrote a migration for a changed domain'),
      (e: Error) => e,
    );
    expect(error.message).toMatch(/db:diff cannot write this change itself: domain public\.rating: it changed/);
    expect(error.message).toMatch(
      /schema\.sql:\n +CREATE DOMAIN public\.rating AS integer CONSTRAINT rating_check CHECK \(VALUE >= 1 AND VALUE <= 10\);/,
    );
    expect(error.message).toMatch(/npm run db:new -- <name>/);
    expect(snapshot()).toEqual(before); // no file left behind, atlas.sum as it was
    expect((await failures()).join('\n')).toMatch(/domain public\.rating: differs/);

    const file = await newMigration(repo.root, 'widen_rating');
    expect(readFileSync(repo.file('migrations', 'atlas.sum'), 'utf8')).toContain(file);
    writeFileSync(
      repo.file('migrations', file),
      // Reviewed by hand, the gate's concern accepted in the file (squawk: a domain CHECK is checked against every row, locked).
      'ALTER DOMAIN rating DROP CONSTRAINT rating_check;\n-- squawk-ignore ban-alter-domain-with-add-constraint\nALTER DOMAIN rating ADD CONSTRAINT rating_check CHECK (VALUE BETWEEN 1 AND 10);\n',
    );
    await hashMigrations(repo.root);
    // The domain's CHECK range is in the API shapes (issue 19 D18e): the shapes follow the hand-written migration.
    expect((await failures()).join('\n')).toMatch(/api-shapes\.ts is stale[\s\S]*"maximum":10/);
    await typesFromMigrations(dev, repo.file('src', 'db'), false, repo.root);
    expect(await failures()).toEqual([]);
  },
);

it('a statement schema.sql gets wrong is named by file and line, and nothing is written', async () => {
  const before = snapshot();
  const schema = base();
  writeFileSync(repo.file('schema.sql'), `${schema.trimEnd()}\nCREATE TABEL oops (id int);\n`);
  try {
    const error = await diff('oops').catch((e: Error) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as Error).message).toBe(
      `schema.sql:${schema.trimEnd().split('\n').length + 1}: syntax error at or near "TABEL"\n    CREATE TABEL oops (id int);\n(fix schema.sql and run the command again)`,
    );
    expect(snapshot()).toEqual(before);
  } finally {
    writeFileSync(repo.file('schema.sql'), schema);
  }
});

it('npm run db:new refuses a name that is not letters, digits and _ (exit 2, the usage)', async () => {
  const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
  const run = await runToEnd(tsx, ['src/commands/main.ts', 'new', 'add view'], { cwd: repoRoot });
  expect(run.code).toBe(2);
  expect(run.output).toContain('Usage: npm run db:new -- <name>');
});
