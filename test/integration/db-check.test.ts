import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkProject } from '../../src/project-check/check-project.ts';
import type { CheckResult } from '../../src/project-check/result.ts';
import { atlasOrThrow } from '../../src/atlas/run.ts';
import { typesFromMigrations } from '../../src/commands/db-types.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';
import { runDbCheck, scratchRepo } from '../support/scratch-repo.ts';

/**
 * `npm run db:check` against a scratch copy of the repository, broken one
 * way per case (the style of pg-schema-diff's acceptance tests): the check
 * that must fail, what it must say, and which other checks fail with it.
 */
const adminUrl = inject('adminUrl');
const init = '20261126000606_init_setup.sql';
const addCountry = '20261126000607_add_country_to_author.sql';
let dev: string;
let repo: ReturnType<typeof scratchRepo>;

beforeAll(async () => {
  dev = await createDatabase(adminUrl, { empty: true });
});
afterAll(async () => {
  await dropDatabase(adminUrl, dev);
});
afterEach(() => repo?.dispose());

const atlasIn = (root: string, args: string[]) =>
  atlasOrThrow([...args, ...targetFlags({ migrate: dev, dev })], { echo: false, cwd: root });
const edit = (file: string, change: (text: string) => string) => writeFileSync(file, change(readFileSync(file, 'utf8')));

/** Changes schema.sql, lets the real Atlas write the migration, regenerates the types: a consistent change. */
async function schemaChange(name: string, change: (schema: string) => string): Promise<string> {
  const versions = () =>
    readdirSync(repo.file('migrations'))
      .filter((f) => f.endsWith('.sql'))
      .map((f) => BigInt(f.split('_')[0]!));
  const newest = versions().reduce((a, b) => (a > b ? a : b));
  edit(repo.file('schema.sql'), change);
  await atlasIn(repo.root, ['migrate', 'diff', name]);
  let file = readdirSync(repo.file('migrations')).find((f) => f.endsWith(`_${name}.sql`))!;
  if (BigInt(file.split('_')[0]!) <= newest) {
    // Two diffs within one second get the same version (Atlas names files by the clock).
    const renamed = `${newest + 1n}_${name}.sql`;
    renameSync(repo.file('migrations', file), repo.file('migrations', renamed));
    await atlasIn(repo.root, ['migrate', 'hash']);
    file = renamed;
  }
  await typesFromMigrations(dev, repo.file('src', 'db'), false, repo.root);
  return file;
}
const dropBio = () => schemaChange('drop_bio', (schema) => schema.replace(/^\s*bio\s+text,\n/m, '\n'));

const failures = (results: CheckResult[]) => results.filter((r) => r.status === 'fail').map((r) => r.name);
const text = (result: CheckResult | undefined) => [result?.reason ?? '', ...(result?.details ?? [])].join('\n');

interface Case {
  name: string;
  provoke: () => void | Promise<void>;
  /** Every check that must fail; the first is the one the case is about. */
  fails: string[];
  says: RegExp[];
}

const cases: Case[] = [
  {
    name: 'an edited migration is named',
    provoke: () => appendFileSync(repo.file('migrations', init), '\n-- a harmless-looking edit\n'),
    fails: ['migrations intact'],
    says: [/migrations\/20261126000606_init_setup\.sql was edited after atlas\.sum was written/, /new migration/],
  },
  {
    name: 'a renamed migration (now running first) is named',
    provoke: () => renameSync(repo.file('migrations', addCountry), repo.file('migrations', `20261126000605_add_country_to_author.sql`)),
    // Replayed in the new order, ALTER "authors" runs before CREATE "authors". The newest file, init_setup, only
    // makes new objects: the gate neither lints nor replays it (issue 19 E), so the lint check no longer fails on
    // the files before it not replaying; "migrations intact" names that.
    fails: ['migrations intact', 'migrations give schema.sql', 'zapatos types fresh'],
    says: [/migrations\/20261126000607_add_country_to_author\.sql was renamed to 20261126000605_add_country_to_author\.sql/],
  },
  {
    name: 'a migration added by hand, without atlas.sum, is named',
    provoke: () => writeFileSync(repo.file('migrations', '20261126000608_by_hand.sql'), 'CREATE INDEX ON authors (name);\n'),
    // Its index is in no schema.sql either, and it is built without CONCURRENTLY (squawk); and the committed API shapes
    // do not know it (indexes decide which columns a resource's list may filter on: src/http/resources.ts).
    fails: ['migrations intact', 'migrations give schema.sql', 'zapatos types fresh', 'lint newest migrations'],
    says: [/migrations\/20261126000608_by_hand\.sql is not in atlas\.sum/],
  },
  {
    name: 'schema.sql edited without a migration prints the missing SQL',
    provoke: () => edit(repo.file('schema.sql'), (s) => s.replace(/^(\s*bio\s+text,)$/m, '$1\n  born       date,')),
    fails: ['migrations give schema.sql'],
    says: [/ALTER TABLE "authors" ADD COLUMN "born" date NULL;/, /run npm run db:diff -- <name>/],
  },
  {
    name: 'a view, a function and a trigger in schema.sql that no migration makes (Atlas sees none of them)',
    provoke: () =>
      appendFileSync(
        repo.file('schema.sql'),
        `\nCREATE VIEW author_book_counts AS SELECT a.id, count(b.id) AS books FROM authors a LEFT JOIN books b ON b.author_id = a.id GROUP BY a.id;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER books_touch BEFORE UPDATE ON books FOR EACH ROW EXECUTE FUNCTION touch();\n`,
      ),
    fails: ['migrations give schema.sql'],
    says: [
      /3 object\(s\) differ between replaying migrations\/ and loading schema\.sql/,
      /function public\.touch\(\): only in schema\.sql/,
      /trigger public\.books\.books_touch: only in schema\.sql\n {4}schema\.sql:\n {6}CREATE TRIGGER books_touch BEFORE UPDATE ON public\.books/,
      /view public\.author_book_counts: only in schema\.sql/,
    ],
  },
  {
    name: 'stale zapatos types',
    provoke: () => edit(repo.file('src', 'db', 'zapatos', 'schema.d.ts'), (s) => s.replace(/country/g, 'nation')),
    fails: ['zapatos types fresh'],
    says: [/src\/db\/zapatos\/schema\.d\.ts is stale/, /run npm run db:types/, /committed: .*nation/],
  },
  {
    name: 'a hand-written file in the generated zapatos folder (the check covers all of it)',
    provoke: () => {
      mkdirSync(repo.file('src', 'db', 'zapatos', 'custom'), { recursive: true });
      writeFileSync(
        repo.file('src', 'db', 'zapatos', 'custom', 'PgTsvector.d.ts'),
        "declare module 'zapatos/custom' { export type PgTsvector = any; }\n",
      );
    },
    fails: ['zapatos types fresh'],
    says: [/src\/db\/zapatos\/custom\/PgTsvector\.d\.ts is not generated from the migrated schema/],
  },
  {
    name: 'a destructive migration without the opt-out',
    provoke: async () => void (await dropBio()),
    fails: ['lint newest migrations'],
    says: [/_drop_bio\.sql:2: Dropping non-virtual column "bio" \(DS103, destructive\)/, /-- atlas:nolint destructive/],
  },
  {
    name: 'a data-dependent migration (Atlas only warns) without the opt-out',
    provoke: async () =>
      void (await schemaChange('add_isbn', (s) => s.replace(/^(\s*title .*,)$/m, '$1\n  isbn       varchar(20) NOT NULL,'))),
    fails: ['lint newest migrations'],
    says: [
      /Adding a non-nullable "character varying\(20\)" column "isbn" will fail in case table "books" is not empty \(MF103, data_depend\)/,
    ],
  },
];

describe('npm run db:check finds each failure mode in a scratch copy of the repo', () => {
  it('the clean repository passes every check (live database skipped without a target)', async () => {
    repo = scratchRepo();
    const results = await checkProject({ root: repo.root, devUrl: dev });
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['migrations intact', 'pass'],
      ['migrations give schema.sql', 'pass'],
      ['zapatos types fresh', 'pass'],
      ['lint newest migrations', 'pass'],
      ['live database', 'skip'],
    ]);
  });

  it.each(cases)('$name', async ({ provoke, fails, says }) => {
    repo = scratchRepo();
    await provoke();
    const results = await checkProject({ root: repo.root, devUrl: dev });
    expect(failures(results)).toEqual(fails);
    const message = text(results.find((r) => r.name === fails[0]));
    for (const pattern of says) expect(message).toMatch(pattern);
  });

  it('a destructive migration passes once the file carries `-- atlas:nolint destructive`', async () => {
    repo = scratchRepo();
    const file = repo.file('migrations', await dropBio());
    edit(file, (sql) => `-- atlas:nolint destructive\n\n${sql}`);
    await atlasIn(repo.root, ['migrate', 'hash']);
    const results = await checkProject({ root: repo.root, devUrl: dev });
    expect(failures(results)).toEqual([]);
  });
});

describe('db:check in a git repository', () => {
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', repo.root, '-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { stdio: 'ignore' });
  const committedRepo = () => {
    repo = scratchRepo();
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'base');
  };

  it('a committed migration edited and re-hashed (which Atlas accepts) is still named', async () => {
    committedRepo();
    appendFileSync(repo.file('migrations', addCountry), 'CREATE INDEX ON authors (country);\n');
    await atlasIn(repo.root, ['migrate', 'hash']);
    const results = await checkProject({ root: repo.root, devUrl: dev });
    expect(failures(results)).toContain('migrations intact');
    expect(text(results[0])).toMatch(
      /migrations\/20261126000607_add_country_to_author\.sql was changed or deleted after it was committed \(compared with HEAD\)/,
    );
  });

  it('lints every migration not yet committed, not just the newest', async () => {
    committedRepo();
    const dropped = await dropBio();
    await schemaChange('add_website', (s) => s.replace(/^(\s*name .*,)$/m, '$1\n  website    text,'));
    const results = await checkProject({ root: repo.root, devUrl: dev });
    const lint = results.find((r) => r.name === 'lint newest migrations');
    expect(lint?.status).toBe('fail');
    expect(lint?.reason).toContain(`${dropped}:2: Dropping non-virtual column "bio"`);
    expect(failures(await checkProject({ root: repo.root, devUrl: dev, lint: { latest: 1 } }))).toEqual([]);
  });
});

describe('db:check against a live database', () => {
  let live: string;
  beforeAll(async () => {
    live = await createDatabase(adminUrl); // the migrated template
  });
  afterAll(async () => {
    await dropDatabase(adminUrl, live);
  });

  it('a live database at the newest migration has no drift', async () => {
    repo = scratchRepo();
    const results = await checkProject({ root: repo.root, devUrl: dev, targetUrl: live });
    expect(results.at(-1)).toMatchObject({
      name: 'live database',
      status: 'pass',
      reason: 'no drift (at 20261126000607); no pending migrations',
    });
  });

  it('reports migrations the live database has not applied yet, without failing', async () => {
    repo = scratchRepo();
    await schemaChange('add_website', (s) => s.replace(/^(\s*bio\s+text,)$/m, '$1\n  website    text,'));
    const results = await checkProject({ root: repo.root, devUrl: dev, targetUrl: live });
    expect(failures(results)).toEqual([]);
    expect(results.at(-1)?.reason).toMatch(/no drift \(at 20261126000607\); 1 pending: \d+_add_website\.sql \(npm run db:apply\)/);
  });

  it('a column added by hand is reported as drift, with its SQL', async () => {
    await adminQuery(live, 'ALTER TABLE authors ADD COLUMN nickname text');
    repo = scratchRepo();
    const results = await checkProject({ root: repo.root, devUrl: dev, targetUrl: live });
    expect(failures(results)).toEqual(['live database']);
    const message = text(results.at(-1));
    expect(message).toMatch(/drift: the live database \(at 20261126000607\) was changed outside migrations\//);
    expect(message).toContain('ALTER TABLE "authors" ADD COLUMN "nickname" text NULL;');
  });

  it('a trigger, a view and a function made by hand are drift too (Atlas sees none of them)', async () => {
    const other = await createDatabase(adminUrl);
    try {
      await adminQuery(
        other,
        `CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
         CREATE TRIGGER authors_touch BEFORE UPDATE ON authors FOR EACH ROW EXECUTE FUNCTION touch();
         CREATE VIEW recent_books AS SELECT id, title FROM books ORDER BY created_at DESC LIMIT 10;`,
      );
      repo = scratchRepo();
      const results = await checkProject({ root: repo.root, devUrl: dev, targetUrl: other });
      expect(failures(results)).toEqual(['live database']);
      const message = text(results.at(-1));
      expect(message).toMatch(/3 object\(s\) differ between the applied migrations and the live database/);
      expect(message).toMatch(/trigger public\.authors\.authors_touch: only in live database/);
      expect(message).toMatch(/view public\.recent_books: only in live database/);
      expect(message).toMatch(/function public\.touch\(\): only in live database/);
      expect(message).not.toContain('ADD COLUMN "nickname"'); // another database: only its own drift
    } finally {
      await dropDatabase(adminUrl, other);
    }
  });
});

describe('the npm run db:check command line', () => {
  it('exits 0 on the clean repository and prints a ✓ per check', async () => {
    repo = scratchRepo();
    const run = await runDbCheck(['--dir', repo.root, '--dev-url', dev]);
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/^✓ migrations intact: /m);
    expect(run.output).toMatch(/^✓ lint newest migrations: /m);
    expect(run.output).toMatch(/^– live database: no target/m);
    expect(run.output).toContain('db:check: all 4 checks passed');
  });

  it('exits 1 naming every failed check, still running the rest, and never prints the password', async () => {
    repo = scratchRepo();
    appendFileSync(repo.file('migrations', init), '\n-- edited\n');
    edit(repo.file('src', 'db', 'zapatos', 'schema.d.ts'), (s) => `${s}\n// stale\n`);
    const live = await createDatabase(adminUrl);
    try {
      const run = await runDbCheck(['--dir', repo.root, '--dev-url', dev, '--url', live]);
      expect(run.code).toBe(1);
      expect(run.output).toMatch(/^✗ migrations intact: migrations\/20261126000606_init_setup\.sql was edited/m);
      expect(run.output).toMatch(/^✓ migrations give schema\.sql: /m);
      expect(run.output).toMatch(/^✗ zapatos types fresh: .*run npm run db:types/m);
      expect(run.output).toMatch(/^✓ live database: no drift/m);
      expect(run.output).toContain('db:check: 2 of 5 checks failed: migrations intact, zapatos types fresh');
      const password = new URL(live).password;
      expect(run.output).toContain(':***@');
      expect(run.output).not.toContain(`:${password}@`);
    } finally {
      await dropDatabase(adminUrl, live);
    }
  });

  it('rejects bad flags with exit 2 and the usage', async () => {
    const run = await runDbCheck(['--latest', 'x', '--dev-url', dev]);
    expect(run.code).toBe(2);
    expect(run.output).toContain('Usage: npm run db:check');
  });
});
