import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { checkProject } from '../../src/project-check/check-project.ts';
import { runToEnd } from '../support/process.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';

/**
 * `npm run db:adopt` on a database made outside the project, the way the
 * guide's Alembic-managed one is: serial keys, Alembic's own table, views
 * over views, a trigger, data. The project starts from it without replaying
 * anything on it, and db:check then finds no drift.
 */
const adminUrl = inject('adminUrl');
let live: string;
let dev: string;
const project = mkdtempSync(path.join(tmpdir(), 'bookshelf-adopt-'));

beforeAll(async () => {
  live = await createDatabase(adminUrl, { empty: true });
  dev = await createDatabase(adminUrl, { empty: true });
  await adminQuery(
    live,
    `CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
     INSERT INTO alembic_version VALUES ('3f1c2b9a7d10');
     CREATE TABLE authors (id serial PRIMARY KEY, name varchar(100) NOT NULL, bio text, country varchar(100), created_at timestamptz DEFAULT now());
     CREATE TABLE books (id serial PRIMARY KEY, title varchar(200) NOT NULL, author_id int NOT NULL REFERENCES authors (id), created_at timestamptz DEFAULT now());
     CREATE INDEX ix_books_title ON books (title);
     CREATE VIEW prolific_base AS SELECT a.id, count(b.id) AS n FROM authors a LEFT JOIN books b ON b.author_id = a.id GROUP BY a.id;
     CREATE VIEW prolific AS SELECT id FROM prolific_base WHERE n > 1;
     CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.created_at := now(); RETURN NEW; END $$;
     CREATE TRIGGER books_touch BEFORE UPDATE ON books FOR EACH ROW EXECUTE FUNCTION touch();
     INSERT INTO authors (name) VALUES ('J.R.R. Tolkien'), ('George R.R. Martin');
     INSERT INTO books (title, author_id) VALUES ('The Hobbit', 1), ('The Fellowship of the Ring', 1), ('A Game of Thrones', 2);`,
  );
  copyFileSync(path.join(repoRoot, 'atlas.hcl'), path.join(project, 'atlas.hcl'));
});
afterAll(async () => {
  await dropDatabase(adminUrl, live);
  await dropDatabase(adminUrl, dev);
  rmSync(project, { recursive: true, force: true });
});

const adopt = () =>
  runToEnd(
    path.join(repoRoot, 'node_modules', '.bin', 'tsx'),
    ['src/commands/main.ts', 'adopt', '--url', live, '--dev-url', dev, '--dir', project],
    {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: '', SCHEMA_EXCLUDE: '' },
    },
  );
const rows = async (sql: string) => (await adminQuery(live, sql)).rows;

it('writes schema.sql and a baseline from the database, marks the baseline applied there, and touches no data', async () => {
  const run = await adopt();
  expect(run.output).toContain('(leaving out alembic_version)');
  expect(run.code).toBe(0);
  const schema = readFileSync(path.join(project, 'schema.sql'), 'utf8');
  expect(schema).not.toContain('alembic_version');
  expect(schema.indexOf('CREATE VIEW public.prolific_base')).toBeLessThan(schema.indexOf('CREATE VIEW public.prolific AS'));
  expect(schema).toContain('CREATE TRIGGER books_touch');
  const [baseline] = readdirSync(path.join(project, 'migrations')).filter((file) => file.endsWith('.sql'));
  expect(baseline).toMatch(/^\d{14}_baseline\.sql$/);
  expect(await rows('SELECT version FROM atlas_schema_revisions.atlas_schema_revisions')).toEqual([{ version: baseline!.slice(0, 14) }]);
  expect(await rows('SELECT count(*)::int AS n FROM books')).toEqual([{ n: 3 }]);
  expect(await rows('SELECT version_num FROM alembic_version')).toEqual([{ version_num: '3f1c2b9a7d10' }]);
  expect(readFileSync(path.join(project, 'src', 'db', 'zapatos', 'schema.d.ts'), 'utf8')).toContain('export namespace prolific');
});

it('db:check then passes, live database included (alembic_version left out)', async () => {
  const results = await checkProject({ root: project, devUrl: dev, targetUrl: live, excludeTables: ['alembic_version'] });
  expect(results.map((r) => `${r.name}: ${r.status}`)).toEqual([
    'migrations intact: pass',
    'migrations give schema.sql: pass',
    'zapatos types fresh: pass',
    'lint newest migrations: pass',
    'live database: pass',
  ]);
});

it('a project that has migrations already is refused', async () => {
  const run = await adopt();
  expect(run.code).toBe(2);
  expect(run.output).toContain('migrations/ already holds 1 migration(s): db:adopt starts a project from an existing database');
});
