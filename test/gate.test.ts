import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatFinding } from '../src/gate/finding.ts';
import { gateMigrations } from '../src/gate/gate.ts';
import { squawkRules } from '../src/gate/squawk-rules.ts';
import { readmePath } from '../src/commands/api-docs.ts';
import { atlasOrThrow } from '../src/atlas/run.ts';
import { targetFlags } from '../src/atlas/flags.ts';
import { createDatabase, dropDatabase } from './support/postgres.ts';
import { scratchRepo } from './support/scratch-repo.ts';

/**
 * The migration gate (src/gate/gate.ts), one case per hazard: a migration
 * written into a scratch copy of the repository (after the committed ones,
 * and after `before`, a migration that sets the stage), then judged by the
 * real Atlas, the real squawk and the catalog of a real Postgres.
 */
const adminUrl = inject('adminUrl');
let dev: string;
let repo: ReturnType<typeof scratchRepo>;

beforeAll(async () => {
  dev = await createDatabase(adminUrl, { empty: true });
});
afterAll(async () => {
  await dropDatabase(adminUrl, dev);
});
afterEach(() => repo?.dispose());

interface Case {
  name: string;
  /** A migration applied before the one judged (not judged itself). */
  before?: string;
  sql: string;
  /** The rules that must refuse it (`source rule`), or [] when it must pass. */
  refuses: string[];
  /** Rules that must NOT appear among the refusals (the widenings). */
  notRefused?: string[];
  /** Text the refusal must contain. */
  says?: RegExp;
}

const withPrice = 'ALTER TABLE "books" ADD COLUMN "price" numeric(4,2) NULL;\n';
const withCounts = 'ALTER TABLE "books" ADD COLUMN "big" bigint NULL, ADD COLUMN "mid" integer NULL, ADD COLUMN "small" smallint NULL;\n';
const withNote = 'ALTER TABLE "books" ADD COLUMN "note" character varying(500) NULL, ADD COLUMN "code" character varying(20) NULL;\n';
const txmodeNone = '-- atlas:txmode none\n\n';

const cases: Case[] = [
  // Locks and rewrites (squawk).
  {
    name: 'an index built without CONCURRENTLY',
    sql: 'CREATE INDEX "books_title_idx" ON "books" ("title");\n',
    refuses: ['squawk require-concurrent-index-creation'],
    says: /blocks every INSERT\/UPDATE\/DELETE.*CREATE INDEX CONCURRENTLY.*atlas:txmode none/,
  },
  {
    name: 'CONCURRENTLY beside other statements, inside Atlas’s per-file transaction',
    sql: 'ALTER TABLE "books" ADD COLUMN "pages" integer NULL;\nCREATE INDEX CONCURRENTLY "books_title_idx" ON "books" ("title");\n',
    refuses: ['squawk ban-concurrent-index-creation-in-transaction', 'bookshelf does-not-apply'],
  },
  {
    // squawk lets a lone CONCURRENTLY statement pass; replaying it as Atlas runs it does not.
    name: 'CONCURRENTLY alone, but without atlas:txmode none',
    sql: 'CREATE INDEX CONCURRENTLY "books_title_idx" ON "books" ("title");\n',
    refuses: ['bookshelf does-not-apply'],
    says: /cannot apply this file even to an empty database: .*cannot run inside a transaction block/,
  },
  { name: 'CONCURRENTLY in a file of its own with atlas:txmode none passes', sql: `${txmodeNone}CREATE INDEX CONCURRENTLY "books_title_idx" ON "books" ("title");\n`, refuses: [] },
  { name: 'an index dropped without CONCURRENTLY', sql: 'DROP INDEX "books_author_id_idx";\n', refuses: ['squawk require-concurrent-index-deletion'] },
  {
    name: 'a CHECK constraint without NOT VALID',
    sql: 'ALTER TABLE "books" ADD CONSTRAINT "title_not_blank" CHECK (title <> \'\');\n',
    refuses: ['squawk constraint-missing-not-valid'],
    says: /NOT VALID.*VALIDATE CONSTRAINT/,
  },
  { name: 'a CHECK constraint NOT VALID passes', sql: 'ALTER TABLE "books" ADD CONSTRAINT "title_not_blank" CHECK (title <> \'\') NOT VALID;\n', refuses: [] },
  {
    name: 'a foreign key without NOT VALID',
    sql: 'ALTER TABLE "authors" ADD COLUMN "favourite_book_id" integer NULL;\nALTER TABLE "authors" ADD CONSTRAINT "fav" FOREIGN KEY ("favourite_book_id") REFERENCES "books" ("id");\n',
    refuses: ['squawk adding-foreign-key-constraint', 'squawk constraint-missing-not-valid'],
  },
  { name: 'a column type change', sql: 'ALTER TABLE "books" ALTER COLUMN "title" TYPE text;\n', refuses: ['squawk changing-column-type'] },
  { name: 'SET NOT NULL', sql: 'ALTER TABLE "authors" ALTER COLUMN "bio" SET NOT NULL;\n', refuses: ['atlas MF104, data_depend', 'squawk adding-not-nullable-field'] },
  {
    name: 'a volatile default',
    sql: 'ALTER TABLE "books" ADD COLUMN "token" uuid NULL DEFAULT gen_random_uuid();\n',
    refuses: ['squawk adding-field-with-default'],
    says: /volatile default/,
  },
  { name: 'a constant default passes (no rewrite since Postgres 11)', sql: 'ALTER TABLE "books" ADD COLUMN "stock" integer NOT NULL DEFAULT 0;\n', refuses: [] },
  {
    name: 'a NOT NULL column without a default',
    sql: 'ALTER TABLE "books" ADD COLUMN "isbn" text NOT NULL;\n',
    refuses: ['atlas MF103, data_depend', 'squawk adding-required-field'],
  },
  { name: 'an added nullable column passes', sql: 'ALTER TABLE "books" ADD COLUMN "pages" integer NULL;\n', refuses: [] },

  // Data loss you can see in the SQL (ours; Atlas v0.13.1 misses these).
  {
    name: 'numeric(4,2) -> numeric(4,1) rounds',
    before: withPrice,
    sql: 'ALTER TABLE "books" ALTER COLUMN "price" TYPE numeric(4,1);\n',
    refuses: ['squawk changing-column-type', 'bookshelf narrowing-type-change'],
    says: /"books"\."price" narrows from numeric\(4,2\) to numeric\(4,1\): every value is silently rounded to 1 decimal place/,
  },
  {
    name: 'numeric(4,2) -> numeric(3,2) loses whole digits',
    before: withPrice,
    sql: 'ALTER TABLE "books" ALTER COLUMN "price" TYPE numeric(3,2);\n',
    refuses: ['squawk changing-column-type', 'bookshelf narrowing-type-change'],
  },
  {
    name: 'a shorter varchar',
    sql: 'ALTER TABLE "books" ALTER COLUMN "title" TYPE character varying(100);\n',
    refuses: ['squawk changing-column-type', 'bookshelf narrowing-type-change'],
    says: /character varying\(200\) to character varying\(100\): values longer than 100 characters/,
  },
  {
    name: 'varchar(500) -> varchar(50)',
    before: withNote,
    sql: 'ALTER TABLE "books" ALTER COLUMN "note" TYPE varchar(50);\n',
    refuses: ['squawk changing-column-type', 'bookshelf narrowing-type-change'],
  },
  {
    name: 'text -> varchar(20)',
    sql: 'ALTER TABLE "authors" ALTER COLUMN "bio" TYPE varchar(20);\n',
    refuses: ['squawk changing-column-type', 'bookshelf narrowing-type-change'],
    says: /"authors"\."bio" narrows from text to character varying\(20\)/,
  },
  {
    name: 'bigint -> integer',
    before: withCounts,
    sql: 'ALTER TABLE "books" ALTER COLUMN "big" TYPE integer;\n',
    refuses: ['squawk changing-column-type', 'bookshelf narrowing-type-change'],
    says: /values above 2147483647 no longer fit/,
  },
  {
    name: 'integer -> smallint',
    before: withCounts,
    sql: 'ALTER TABLE "books" ALTER COLUMN "mid" TYPE int2;\n',
    refuses: ['squawk changing-column-type', 'bookshelf narrowing-type-change'],
  },
  {
    name: 'widenings are not data loss: smallint -> integer, varchar(20) -> varchar(40), varchar(n) -> text, numeric(4,2) -> numeric(6,2)',
    before: withCounts + withNote + withPrice,
    sql:
      'ALTER TABLE "books" ALTER COLUMN "small" TYPE integer, ALTER COLUMN "code" TYPE varchar(40), ALTER COLUMN "note" TYPE text, ' +
      'ALTER COLUMN "price" TYPE numeric(6,2);\n',
    refuses: ['squawk changing-column-type'],
    notRefused: ['bookshelf narrowing-type-change'],
  },
  {
    name: 'DROP COLUMN + ADD COLUMN on one table: probably a rename',
    sql: 'ALTER TABLE "authors" DROP COLUMN "bio", ADD COLUMN "biography" text NULL;\n',
    refuses: ['atlas DS103, destructive', 'bookshelf drop-add-column'],
    says: /probably a rename.*ALTER TABLE "authors" RENAME COLUMN "bio" TO "biography";/,
  },
  {
    name: 'the RENAME COLUMN that should be written instead is refused only by Atlas’s backward-incompatible analyzer',
    sql: 'ALTER TABLE "authors" RENAME COLUMN "bio" TO "biography";\n',
    refuses: ['atlas BC102, incompatible'],
  },

  {
    name: 'SQL that does not run is refused by the replay (squawk’s syntax-error is only a warning)',
    sql: 'ALTER TABLE "books" ADD COLUMN "pages" integer garbage;\n',
    refuses: ['atlas error', 'bookshelf does-not-apply'],
    says: /cannot apply this file even to an empty database: .*syntax error/,
  },

  {
    name: 'DROP COLUMN alone is refused by Atlas’s destructive analyzer only (squawk’s ban-drop-column is off)',
    sql: 'ALTER TABLE "authors" DROP COLUMN "bio";\n',
    refuses: ['atlas DS103, destructive'],
  },

  // Opt-outs: one reviewed line in the file.
  { name: 'one opt-out is enough for an intended DROP COLUMN', sql: '-- atlas:nolint destructive\n\nALTER TABLE "authors" DROP COLUMN "bio";\n', refuses: [] },
  { name: 'squawk opt-out: -- squawk-ignore above the statement', sql: '-- squawk-ignore changing-column-type\nALTER TABLE "books" ALTER COLUMN "title" TYPE text;\n', refuses: [] },
  {
    name: 'our opt-out: -- bookshelf:allow narrowing-type-change',
    before: withPrice,
    sql: '-- bookshelf:allow narrowing-type-change\n-- squawk-ignore changing-column-type\nALTER TABLE "books" ALTER COLUMN "price" TYPE numeric(4,1);\n',
    refuses: [],
  },
  {
    name: 'an opt-out covers only the rule it names',
    before: withPrice,
    sql: '-- bookshelf:allow drop-add-column\n-- squawk-ignore changing-column-type\nALTER TABLE "books" ALTER COLUMN "price" TYPE numeric(4,1);\n',
    refuses: ['bookshelf narrowing-type-change'],
  },
  {
    name: 'Atlas and our opt-out together for an intended drop + add',
    sql: '-- atlas:nolint destructive\n-- bookshelf:allow drop-add-column\n\nALTER TABLE "authors" DROP COLUMN "bio", ADD COLUMN "biography" text NULL;\n',
    refuses: [],
  },
];

/** Writes the case's migrations after the committed ones and hashes the directory, as `atlas migrate hash` would. */
async function writeMigrations(...sqls: string[]): Promise<void> {
  sqls.forEach((sql, i) => writeFileSync(repo.file('migrations', `2026112601000${i}_case.sql`), sql));
  await atlasOrThrow(['migrate', 'hash', ...targetFlags({ migrate: dev, dev })], { echo: false, cwd: repo.root });
}

const ruleOf = (finding: { source: string; rule: string }) => `${finding.source} ${finding.rule}`;

describe('the migration gate refuses each hazard, with file, line, rule and opt-out', () => {
  it.each(cases)('$name', async ({ before, sql, refuses, notRefused = [], says }) => {
    repo = scratchRepo();
    await writeMigrations(...(before ? [before, sql] : [sql]));
    const verdict = await gateMigrations(repo.root, dev, 1);
    const refused = verdict.blockers.map(ruleOf);
    expect([...new Set(refused)].sort()).toEqual([...refuses].sort());
    for (const rule of notRefused) expect(refused).not.toContain(rule);
    const text = verdict.blockers.map(formatFinding).join('\n');
    if (says) expect(text).toMatch(says);
    for (const finding of verdict.blockers) {
      expect(finding.file).toBe(`2026112601000${before ? 1 : 0}_case.sql`);
      // Only SQL that does not run has no opt-out.
      if (finding.optOut) expect(formatFinding(finding)).toContain(`If intended: \`${finding.optOut}\``);
      else expect(['atlas error', 'bookshelf does-not-apply']).toContain(ruleOf(finding));
    }
  });

  it('names the line of the statement', async () => {
    repo = scratchRepo();
    await writeMigrations('ALTER TABLE "books" ADD COLUMN "pages" integer NULL;\n\nCREATE INDEX "books_title_idx" ON "books" ("title");\n');
    const [finding] = (await gateMigrations(repo.root, dev, 1)).blockers;
    expect(formatFinding(finding!)).toMatch(/^20261126010000_case\.sql:3: CREATE INDEX without CONCURRENTLY .* \(squawk require-concurrent-index-creation\)/);
  });

  it('the committed migrations pass (warnings only), so the test template and a first start apply them', async () => {
    repo = scratchRepo();
    const verdict = await gateMigrations(repo.root, dev, 2);
    expect(verdict.files).toEqual(['20261126000606_init_setup.sql', '20261126000607_add_country_to_author.sql']);
    expect(verdict.blockers).toEqual([]);
    // The apply path sets lock_timeout (MIGRATION_LOCK_TIMEOUT_MS), so the files need not.
    expect(verdict.warnings.map(ruleOf)).not.toContain('squawk require-lock-timeout');
    expect(verdict.warnings.map(ruleOf)).not.toContain('squawk require-timeout-settings');
  });
});

it('the README’s table of squawk rules is the configuration the gate runs', () => {
  const readme = readFileSync(readmePath, 'utf8');
  const word = { fail: 'refuses', warn: 'warns', off: 'off' } as const;
  const missing = Object.entries(squawkRules)
    .map(([rule, policy]) => `| \`${rule}\` | ${word[policy.level]} | ${policy.why} |`)
    .filter((row) => !readme.includes(row));
  expect(missing).toEqual([]);
});
