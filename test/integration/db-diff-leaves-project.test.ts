import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { diffMigration } from '../../src/catalog/diff-migration.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { restoringOnFailure } from '../../src/project/restore-on-failure.ts';
import { createDatabase, dropDatabase } from '../support/postgres.ts';
import { scratchRepo } from '../support/scratch-repo.ts';

/**
 * Issue 19, D15: a structure.sql ending in 1,107 rows of INSERT INTO
 * "schema_migrations" stopped db:diff half-way ("Refusing to wipe … it
 * holds data") and left a migration and a changed atlas.sum behind. Now the
 * rows are left out (schema-source.ts), and whatever fails after Atlas wrote
 * its file, db:diff puts migrations/ and the types back as they were.
 */
const adminUrl = inject('adminUrl');
let dev: string;
beforeAll(async () => {
  dev = await createDatabase(adminUrl, { empty: true });
});
afterAll(async () => {
  await dropDatabase(adminUrl, dev);
});

type Repo = ReturnType<typeof scratchRepo>;
/** Every file of migrations/ and src/db/zapatos/, with its content. */
const state = (repo: Repo) =>
  Object.fromEntries(
    ['migrations', path.join('src', 'db', 'zapatos')].flatMap((dir) =>
      readdirSync(repo.file(dir), { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => {
          const file = path.join(entry.parentPath, entry.name);
          return [path.relative(repo.root, file), readFileSync(file, 'utf8')];
        }),
    ),
  );
const diff = (repo: Repo, name: string) =>
  diffMigration({ root: repo.root, devUrl: dev, name, atlasFlags: targetFlags({ migrate: dev, dev }), echo: false });

const rails = (rows: number) =>
  `\nCREATE TABLE public.schema_migrations (version character varying NOT NULL);\n` +
  `ALTER TABLE ONLY public.schema_migrations ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);\n\n` +
  `INSERT INTO "schema_migrations" (version) VALUES\n${Array.from({ length: rows }, (_, i) => `('${20190000000000 + i}')`).join(',\n')};\n\n`;

describe('db:diff and data in schema.sql', () => {
  it(
    "Rails' 1,107 schema_migrations rows: the table is migrated, the rows are left out, the scratch databases stay usable",
    { timeout: 180_000 },
    async () => {
      const repo = scratchRepo();
      try {
        appendFileSync(repo.file('schema.sql'), rails(1107));
        const written = await diff(repo, 'rails');
        expect(written).toMatch(/_rails\.sql$/);
        const sql = readFileSync(repo.file('migrations', written!), 'utf8');
        expect(sql).toMatch(/CREATE TABLE "schema_migrations"/);
        expect(sql).not.toMatch(/INSERT/);
        // The next diff runs on the same scratch databases: nothing changed, nothing written.
        expect(await diff(repo, 'again')).toBeUndefined();
      } finally {
        repo.dispose();
      }
    },
  );

  it(
    'a failure after Atlas wrote its file (here: in the types step) leaves migrations/, atlas.sum and the types as they were',
    { timeout: 180_000 },
    async () => {
      const repo = scratchRepo();
      try {
        appendFileSync(repo.file('schema.sql'), '\nCREATE TABLE public.later (id integer PRIMARY KEY);\n');
        const before = state(repo);
        const failure = await restoringOnFailure(repo.root, async () => {
          expect(await diff(repo, 'later')).toMatch(/_later\.sql$/);
          expect(state(repo)).not.toEqual(before); // written, and atlas.sum changed
          appendFileSync(repo.file('src', 'db', 'zapatos', 'schema.d.ts'), '// half-written\n');
          throw new Error('db:types failed');
        }).catch((error: Error) => error);
        expect(failure.message).toMatch(/^db:types failed\n\(migrations\/ and src\/db\/zapatos\/ left as they were\)$/);
        expect(state(repo)).toEqual(before);
      } finally {
        repo.dispose();
      }
    },
  );
});
