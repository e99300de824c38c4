import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatFinding } from '../../src/gate/finding.ts';
import { gateMigrations } from '../../src/gate/gate.ts';
import { atlasOrThrow } from '../../src/atlas/run.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { readGateCases } from '../support/gate-case.ts';
import { createDatabase, dropDatabase } from '../support/postgres.ts';
import { scratchRepo } from '../support/scratch-repo.ts';

/**
 * The migration gate (src/gate/gate.ts), one case per hazard, as data:
 * each test/gate-cases/*.txtar (format: its README.md) is written into a
 * scratch copy of the repository (after the committed migrations, and after
 * its `before.sql`, a migration that sets the stage), then judged by the real
 * Atlas, the real squawk and the catalog of a real Postgres.
 */
const adminUrl = inject('adminUrl');
const cases = readGateCases(path.join(import.meta.dirname, '..', 'gate-cases'));
let dev: string;
let repo: ReturnType<typeof scratchRepo>;

beforeAll(async () => {
  dev = await createDatabase(adminUrl, { empty: true });
});
afterAll(async () => {
  await dropDatabase(adminUrl, dev);
});
afterEach(() => repo?.dispose());

/** The name the n-th migration of a case gets: after every committed one. */
const caseFile = (n: number) => `2026112601000${n}_case.sql`;

/** Writes the case's migrations after the committed ones and hashes the directory, as `atlas migrate hash` would. */
async function writeMigrations(...sqls: string[]): Promise<void> {
  sqls.forEach((sql, i) => writeFileSync(repo.file('migrations', caseFile(i)), sql));
  await atlasOrThrow(['migrate', 'hash', ...targetFlags({ migrate: dev, dev })], { echo: false, cwd: repo.root });
}

const ruleOf = (finding: { source: string; rule: string }) => `${finding.source} ${finding.rule}`;

describe('the migration gate refuses each hazard, with file, line, rule and opt-out (test/gate-cases/)', () => {
  it('finds the cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)('$file: $title', async ({ before, migration, refuses, notRefused, says }) => {
    repo = scratchRepo();
    const sqls = before ? [before, migration] : [migration];
    await writeMigrations(...sqls);
    const verdict = await gateMigrations(repo.root, dev, 1);
    const refused = verdict.blockers.map(ruleOf);
    expect([...new Set(refused)].sort()).toEqual([...refuses].sort());
    for (const rule of notRefused) expect(refused).not.toContain(rule);
    const text = verdict.blockers.map(formatFinding).join('\n');
    for (const pattern of says) expect(text).toMatch(pattern);
    for (const finding of verdict.blockers) {
      expect(finding.file).toBe(caseFile(sqls.length - 1));
      // Only SQL that does not run has no opt-out.
      if (finding.optOut) expect(formatFinding(finding)).toContain(`If intended: \`${finding.optOut}\``);
      else expect(['atlas error', 'bookshelf does-not-apply']).toContain(ruleOf(finding));
    }
  });
});
