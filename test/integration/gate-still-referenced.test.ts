import { writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatFinding, type Finding } from '../../src/gate/finding.ts';
import { gateMigrations } from '../../src/gate/gate.ts';
import { atlasOrThrow } from '../../src/atlas/run.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { createDatabase, dropDatabase } from '../support/postgres.ts';
import { scratchRepo } from '../support/scratch-repo.ts';

/**
 * Expand and contract in the gate (issue 10 §5): a migration that drops or
 * renames a column the project's src/ still uses gets a warning that says
 * what fails in production and what to do. The scratch copy is runnable, so
 * it holds the real src/, which uses authors.country and authors.bio.
 */
const adminUrl = inject('adminUrl');
let dev: string;
let repo: ReturnType<typeof scratchRepo> | undefined;

beforeAll(async () => {
  dev = await createDatabase(adminUrl, { empty: true });
});
afterAll(async () => {
  await dropDatabase(adminUrl, dev);
});
afterEach(() => repo?.dispose());

async function judge(sql: string) {
  repo = scratchRepo({ runnable: true });
  writeFileSync(repo.file('migrations', '20261126010000_case.sql'), sql);
  await atlasOrThrow(['migrate', 'hash', ...targetFlags({ migrate: dev, dev })], { echo: false, cwd: repo.root });
  return gateMigrations(repo.root, dev, 1);
}
const stillReferenced = (findings: Finding[]) => findings.filter((f) => `${f.source} ${f.rule}` === 'bookshelf still-referenced');

describe('the gate warns when a migration drops or renames a column src/ still uses', () => {
  it('a reviewed DROP COLUMN of authors.country passes the gate, with the warning naming the code and the safe sequence', async () => {
    const verdict = await judge('-- atlas:nolint destructive\n\nALTER TABLE "authors" DROP COLUMN "country";\n');
    expect(verdict.blockers).toEqual([]);
    const [warning, ...more] = stillReferenced(verdict.warnings);
    expect(more).toEqual([]);
    expect(warning).toMatchObject({ level: 'warn', line: 3 });
    expect(formatFinding(warning!)).toMatch(
      /^20261126010000_case\.sql:3: "authors"\."country" is dropped, and src\/ still uses it \(src\/[\w/.-]+\.ts:\d+.*\)\. Migrations run before the new code is deployed.*fails \(500: column does not exist\)\. Expand and contract.*\(bookshelf still-referenced\)$/,
    );
  });

  it('a rename is named as one (and Atlas still refuses it, BC102)', async () => {
    const verdict = await judge('ALTER TABLE "authors" RENAME COLUMN "bio" TO "biography";\n');
    expect(verdict.blockers.map((f) => f.rule)).toContainEqual(expect.stringMatching(/^BC102/));
    expect(stillReferenced(verdict.warnings).map((f) => f.message)).toEqual([
      expect.stringMatching(/^"authors"\."bio" is renamed, and src\/ still uses it/),
    ]);
  });

  it('a column src/ does not use gets no warning', async () => {
    const verdict = await judge(
      '-- atlas:nolint destructive\n\nALTER TABLE "books" ADD COLUMN "pages" integer NULL;\nALTER TABLE "books" DROP COLUMN "pages";\n',
    );
    expect(stillReferenced([...verdict.blockers, ...verdict.warnings])).toEqual([]);
  });
});
