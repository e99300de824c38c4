import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';
import { runToEnd } from '../support/process.ts';

/**
 * A role that may use the app's tables but not Atlas's revisions schema: on
 * a fully migrated database Atlas said "No migration applied yet … Pending
 * Files: 2" (db:status) and `schema "" was not found` (db:apply). Both must
 * say what is really wrong: permission denied on the revisions, and how to
 * grant it or which URL to use.
 */
const adminUrl = inject('adminUrl');
const role = `app_${randomBytes(4).toString('hex')}`;
let live: string;
let dev: string;
let roleUrl: string;
beforeAll(async () => {
  live = await createDatabase(adminUrl); // the template: every committed migration applied
  dev = await createDatabase(adminUrl, { empty: true });
  const database = new URL(live).pathname.slice(1);
  await adminQuery(adminUrl, `CREATE ROLE ${role} LOGIN PASSWORD 'app-secret'`);
  await adminQuery(adminUrl, `GRANT CONNECT, CREATE ON DATABASE ${database} TO ${role}`);
  await adminQuery(live, `GRANT USAGE, CREATE ON SCHEMA public TO ${role}; GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}`);
  const url = new URL(live);
  url.username = role;
  url.password = 'app-secret';
  roleUrl = url.toString();
});
afterAll(async () => {
  await dropDatabase(adminUrl, live);
  await dropDatabase(adminUrl, dev);
  await adminQuery(adminUrl, `DROP ROLE IF EXISTS ${role}`);
});

function cli(command: string) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: roleUrl,
    ATLAS_DEV_URL: dev,
  };
  delete env.DIRECT_DATABASE_URL;
  delete env.npm_config_dry_run;
  return runToEnd(process.execPath, ['--import', 'tsx', 'src/commands/main.ts', command], { cwd: repoRoot, env });
}

describe("a role that cannot read Atlas's revisions", () => {
  it('db:status says permission denied and what to grant, not "No migration applied yet"', { timeout: 120_000 }, async () => {
    const run = await cli('status');
    expect(run.code).toBe(2);
    expect(run.output).toContain(`cannot read Atlas's revisions table atlas_schema_revisions.atlas_schema_revisions as role "${role}"`);
    expect(run.output).toContain('permission denied for schema atlas_schema_revisions');
    expect(run.output).toContain(`GRANT USAGE ON SCHEMA atlas_schema_revisions TO ${role}`);
    expect(run.output).toContain("owner's URL");
    expect(run.output).not.toContain('No migration applied yet');
    expect(run.output).not.toContain('app-secret');
  });

  it('db:apply says the same and applies nothing (not `schema "" was not found`)', { timeout: 120_000 }, async () => {
    const run = await cli('apply');
    expect(run.code).toBe(2);
    expect(run.output).toContain('permission denied for schema atlas_schema_revisions');
    expect(run.output).toContain('nothing was compared or applied');
    expect(run.output).not.toContain('schema "" was not found');
    const { rows } = await adminQuery(live, 'SELECT count(*)::int AS n FROM atlas_schema_revisions.atlas_schema_revisions');
    expect(rows[0].n).toBe(2);
  });

  it('with USAGE but no SELECT on the table: permission denied for the table', { timeout: 120_000 }, async () => {
    await adminQuery(live, `GRANT USAGE ON SCHEMA atlas_schema_revisions TO ${role}`);
    try {
      const run = await cli('status');
      expect(run.code).toBe(2);
      expect(run.output).toContain('permission denied for table atlas_schema_revisions');
    } finally {
      await adminQuery(live, `REVOKE USAGE ON SCHEMA atlas_schema_revisions FROM ${role}`);
    }
  });
});
