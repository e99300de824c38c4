import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { gateMigrations } from '../../src/gate/gate.ts';
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
    // The apply path sets lock_timeout (MIGRATION_LOCK_TIMEOUT_MS), so the files need not.
    expect(verdict.warnings.map(ruleOf)).not.toContain('squawk require-lock-timeout');
    expect(verdict.warnings.map(ruleOf)).not.toContain('squawk require-timeout-settings');
  });
});
