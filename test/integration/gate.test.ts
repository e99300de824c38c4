import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gateMigrations } from '../../src/gate/gate.ts';
import { diffMigration } from '../../src/catalog/diff-migration.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { splitStatements } from '../../src/project/sql-statements.ts';
import { createDatabase, dropDatabase } from '../support/postgres.ts';
import { scratchRepo } from '../support/scratch-repo.ts';

/**
 * The migration gate (src/gate/gate.ts) beyond single migrations: the
 * committed ones pass. Each hazard it refuses is a data file in
 * test/gate-cases/, judged by test/integration/gate-cases.test.ts; that
 * docs/safety.md documents the squawk rules it runs, test/unit/readme.test.ts.
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

const ruleOf = (finding: { source: string; rule: string }) => `${finding.source} ${finding.rule}`;

describe('the migration gate', () => {
  it('the committed migrations pass (warnings only), so the test template and a first start apply them', async () => {
    repo = scratchRepo();
    const verdict = await gateMigrations(repo.root, dev, 2);
    expect(verdict.files).toEqual(['20261126000606_init_setup.sql', '20261126000607_add_country_to_author.sql']);
    expect(verdict.blockers).toEqual([]);
    // The first only creates (no lint needed); the second alters a table the first made: Atlas lints it.
    expect(verdict.linted?.map((file) => file.atlasLint)).toEqual([false, true]);
    // The apply path sets lock_timeout (MIGRATION_LOCK_TIMEOUT_MS), so the files need not.
    expect(verdict.warnings.map(ruleOf)).not.toContain('squawk require-lock-timeout');
    expect(verdict.warnings.map(ruleOf)).not.toContain('squawk require-timeout-settings');
  });

  it('lints a first migration with a SQL function the fast way: db:diff’s leading SET does not end the fast path', async () => {
    // Issue 19 E: `SET check_function_bodies = off;` at the top of db:diff's file made Atlas lint every statement
    // one by one (100 tables: 2.2 s without a function, 21.6 s with one). Counted, not timed.
    repo = scratchRepo();
    for (const file of readdirSync(repo.file('migrations'))) rmSync(repo.file('migrations', file));
    const tables = Array.from({ length: 12 }, (_, i) => `CREATE TABLE t${i} (id integer PRIMARY KEY, name text);`);
    writeFileSync(
      repo.file('schema.sql'),
      [
        ...tables,
        'CREATE INDEX t0_name ON t0 (name);',
        'CREATE FUNCTION t0_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM t0 $$;',
        'CREATE VIEW t0_names AS SELECT name FROM t0;',
      ].join('\n'),
    );
    const written = await diffMigration({
      root: repo.root,
      devUrl: dev,
      name: 'init',
      atlasFlags: targetFlags({ migrate: dev, dev }),
      echo: false,
    });
    const text = readFileSync(repo.file('migrations', written!), 'utf8');
    expect(text).toMatch(/^SET check_function_bodies = off;$/m); // the shape that used to end the fast path
    const statements = splitStatements(text).map((statement) => statement.text);
    const verdict = await gateMigrations(repo.root, dev, 1);
    expect(verdict.blockers).toEqual([]);
    expect(verdict.linted).toHaveLength(1);
    const { asBase, statements: total } = verdict.linted![0]!;
    expect(total).toBe(statements.length);
    // Everything (settings, the function, every table and index, the view on them) ran as the base: nothing is left
    // for Atlas to inspect statement by statement.
    expect(statements.some((statement) => /^CREATE (OR REPLACE )?VIEW/i.test(statement))).toBe(true);
    expect(asBase).toBe(total);
    // And so Atlas's lint is not run at all on it: nothing would be left to lint.
    expect(verdict.linted![0]!.atlasLint).toBe(false);
  });
});
