import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { atlasOrThrow } from '../../src/atlas/run.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';
import { runToEnd } from '../support/process.ts';
import { scratchRepo } from '../support/scratch-repo.ts';

/**
 * Issue 18's skipped migration through the real command line: `npm run
 * db:status` and `npm run db:apply` in a copy of the project whose
 * migrations/ gained, by a merge, a file that sorts before the last version
 * the database (DATABASE_URL) applied. Atlas alone says all is applied;
 * both commands must name the file, say the way out, exit 1, and
 * apply nothing. (test/workflows/out-of-order.txtar tells the whole story
 * through the commands' modules; this is their entry points, exit codes
 * included.)
 */
const adminUrl = inject('adminUrl');
const repo = scratchRepo({ runnable: true });
const file = '20261126000000_add_publishers.sql';
let live: string;
let dev: string;

beforeAll(async () => {
  live = await createDatabase(adminUrl); // the template: both committed migrations applied
  dev = await createDatabase(adminUrl, { empty: true });
  writeFileSync(repo.file('migrations', file), 'CREATE TABLE "publishers" ("id" integer NOT NULL, PRIMARY KEY ("id"));\n');
  await atlasOrThrow(['migrate', 'hash', ...targetFlags({ migrate: dev, dev })], { echo: false, cwd: repo.root });
});
afterAll(async () => {
  await dropDatabase(adminUrl, live);
  await dropDatabase(adminUrl, dev);
  repo.dispose();
});

/** `npm run <script>` in the copy, with DATABASE_URL on the live database. */
function npmRun(script: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: live, ATLAS_DEV_URL: dev };
  delete env.DIRECT_DATABASE_URL;
  delete env.npm_config_dry_run;
  return runToEnd('npm', ['run', script], { cwd: repo.root, env });
}

async function nothingApplied(): Promise<void> {
  const { rows } = await adminQuery(live, `SELECT to_regclass('public.publishers') AS publishers`);
  expect(rows).toEqual([{ publishers: null }]);
  const revisions = await adminQuery(
    live,
    "SELECT string_agg(version, ',' ORDER BY version) AS applied FROM atlas_schema_revisions.atlas_schema_revisions",
  );
  expect(revisions.rows[0].applied).toBe('20261126000606,20261126000607');
}

describe('a migration file older than the last applied version, through npm run', () => {
  it('db:status names the file and the way out, and exits 1', { timeout: 180_000 }, async () => {
    const run = await npmRun('db:status');
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain('sort before 20261126000607, the last version this database applied, and were never applied');
    expect(run.output).toMatch(new RegExp(`^  migrations/${file.replace('.', '\\.')}$`, 'm'));
    expect(run.output).toContain('npm run db:rebase');
    expect(run.output).toContain('db:status: this database is not where its migrations say');
    expect(run.output).not.toMatch(/\n\s+at /); // a user error, not a stack trace
    await nothingApplied();
  });

  it('db:apply refuses it, names the file and the way out, and applies nothing', { timeout: 180_000 }, async () => {
    const run = await npmRun('db:apply');
    expect(run.code, run.output).toBe(1);
    expect(run.output).toMatch(/^error: refusing to apply: nothing was applied\./m);
    expect(run.output).toMatch(new RegExp(`^  migrations/${file.replace('.', '\\.')}$`, 'm'));
    expect(run.output).toContain('npm run db:rebase');
    expect(run.output).not.toMatch(/\n\s+at /);
    await nothingApplied();
  });
});
