import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { declareSchema } from '../../src/catalog/declare.ts';
import { diffMigration } from '../../src/catalog/diff-migration.ts';
import { hashMigrations, newMigration } from '../../src/catalog/migration-file.ts';
import { checkProject } from '../../src/project-check/check-project.ts';
import { checkLiveDrift } from '../../src/project-check/live-drift.ts';
import { atlasOrThrow } from '../../src/atlas/run.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';
import { scratchRepo } from '../support/scratch-repo.ts';

/**
 * Issue 19, B9: `CREATE OPERATOR` (a kind the catalog does not read) was
 * dropped by db:diff with "verified", and db:check, live drift and db:adopt
 * all said equal. Now each stops and names it (src/catalog/census.ts).
 */
const adminUrl = inject('adminUrl');
const operator = `
CREATE FUNCTION public.r12_f(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT $2 ~ $1 $$;
CREATE OPERATOR public.~<< (FUNCTION = public.r12_f, LEFTARG = text, RIGHTARG = text);
`;
const named = 'operator public.~<<(pg_catalog.text,pg_catalog.text)';
let dev: string;

beforeAll(async () => {
  dev = await createDatabase(adminUrl, { empty: true });
});
afterAll(async () => {
  await dropDatabase(adminUrl, dev);
});

type Repo = ReturnType<typeof scratchRepo>;
const state = (repo: Repo) => ({
  migrations: readdirSync(repo.file('migrations')).sort(),
  sum: readFileSync(repo.file('migrations', 'atlas.sum'), 'utf8'),
});

describe('an object kind the comparison does not read fails closed, by name', () => {
  it('db:diff refuses schema.sql with CREATE OPERATOR before Atlas writes anything', { timeout: 120_000 }, async () => {
    const repo = scratchRepo();
    try {
      appendFileSync(repo.file('schema.sql'), operator);
      const before = state(repo);
      const error = await diffMigration({
        root: repo.root,
        devUrl: dev,
        name: 'op',
        atlasFlags: targetFlags({ migrate: dev, dev }),
        echo: false,
      }).catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message.split('\n')[0]).toBe(`schema.sql has 1 object that bookshelf does not compare: ${named}`);
      expect(state(repo)).toEqual(before);
    } finally {
      repo.dispose();
    }
  });

  it(
    'db:check: "migrations give schema.sql" fails naming it, even when a hand-written migration makes the same operator',
    { timeout: 180_000 },
    async () => {
      const repo = scratchRepo();
      try {
        appendFileSync(repo.file('schema.sql'), operator);
        const file = await newMigration(repo.root, 'op');
        appendFileSync(repo.file('migrations', file), operator);
        await hashMigrations(repo.root);
        const results = await checkProject({ root: repo.root, devUrl: dev });
        const matches = results.find((result) => result.name === 'migrations give schema.sql')!;
        expect(matches.status).toBe('fail');
        expect(matches.reason).toBe(`schema.sql has 1 object that bookshelf does not compare: ${named}`);
        expect(matches.details.join('\n')).toContain('docs/pg-dump.md');
      } finally {
        repo.dispose();
      }
    },
  );

  it('db:check: an operator only in migrations/ (not in schema.sql) fails too', { timeout: 180_000 }, async () => {
    const repo = scratchRepo();
    try {
      const file = await newMigration(repo.root, 'op');
      appendFileSync(repo.file('migrations', file), operator);
      await hashMigrations(repo.root);
      // schema.sql gets the function only: every object the catalog reads agrees.
      appendFileSync(
        repo.file('schema.sql'),
        operator
          .split('\n')
          .filter((line) => !line.startsWith('CREATE OPERATOR'))
          .join('\n'),
      );
      const results = await checkProject({ root: repo.root, devUrl: dev });
      const matches = results.find((result) => result.name === 'migrations give schema.sql')!;
      expect(matches.status).toBe('fail');
      expect(matches.reason).toBe(`migrations/ (replayed) has 1 object that bookshelf does not compare: ${named}`);
    } finally {
      repo.dispose();
    }
  });

  it(
    'live drift: an operator made by hand in the live database is not "no drift"; db:adopt refuses that database',
    { timeout: 120_000 },
    async () => {
      const repo = scratchRepo();
      const live = await createDatabase(adminUrl, { empty: true });
      try {
        await atlasOrThrow(['migrate', 'apply', ...targetFlags({ migrate: live, dev: undefined })], { echo: false, cwd: repo.root });
        await adminQuery(live, operator);
        const result = await checkLiveDrift(repo.root, dev, live);
        expect(result.status).toBe('fail');
        expect(result.reason).toBe(`cannot tell drift: the live database has 1 object that bookshelf does not compare: ${named}`);

        await expect(declareSchema(live)).rejects.toThrow(`the database to adopt has 1 object that bookshelf does not compare: ${named}`);
      } finally {
        await dropDatabase(adminUrl, live);
        repo.dispose();
      }
    },
  );
});
