import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadSchemaFile } from '../../src/catalog/load-schema.ts';
import { readCatalog } from '../../src/catalog/read.ts';
import { schemaSource, writeSchemaSource } from '../../src/project/schema-source.ts';
import { splitStatements } from '../../src/project/sql-statements.ts';
import { atlas } from '../../src/atlas/run.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { onEmptyScratchDatabase } from '../../src/postgres/scratch.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';
import { scratchRepo } from '../support/scratch-repo.ts';

/**
 * schema.sql written by a tool, not by hand: test/fixtures/pg-dump-guide.sql
 * is what `pg_dump --schema-only` (15.20) wrote for the guide's tables (serial
 * keys, as SQLAlchemy makes them), Alembic's table, a view, a function and a
 * trigger. It carries psql's \restrict lines, `set_config('search_path', '')`,
 * SET lines and OWNER TO a role the scratch database does not have.
 */
const adminUrl = inject('adminUrl');
const dump = readFileSync(path.resolve('test/fixtures/pg-dump-guide.sql'), 'utf8');
let dev: string;
let repo: ReturnType<typeof scratchRepo> | undefined;

beforeAll(async () => {
  dev = await createDatabase(adminUrl, { empty: true });
});
afterAll(async () => {
  await dropDatabase(adminUrl, dev);
});
afterEach(() => {
  repo?.dispose();
  repo = undefined;
});

describe('splitting SQL into statements', () => {
  it('does not end a statement at a semicolon in quotes, dollar quotes or comments', () => {
    const sql = `CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $body$ SELECT 'a;b' $body$;
-- a comment; with a semicolon
/* nested /* comment; */ still comment; */
SELECT E'it\\'s; fine', "odd;name" FROM t;
\\restrict abc
SELECT $$x;$$`;
    expect(splitStatements(sql).map((s) => s.text)).toEqual([
      `CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $body$ SELECT 'a;b' $body$;`,
      `SELECT E'it\\'s; fine', "odd;name" FROM t;`,
      '\\restrict abc',
      'SELECT $$x;$$',
    ]);
  });
});

describe('a pg_dump --schema-only file as schema.sql', () => {
  it('leaves out what belongs to a server, keeping every line where it was', () => {
    const source = schemaSource(dump);
    expect(source.text.split('\n')).toHaveLength(dump.split('\n').length);
    expect(source.text).not.toMatch(/\\restrict|set_config\('search_path'|OWNER TO/);
    expect(source.text).toContain('SET check_function_bodies = false;');
    expect(source.text).toContain('CREATE TRIGGER t BEFORE UPDATE ON public.books');
    expect(source.ignored.map((i) => i.why)).toEqual(
      expect.arrayContaining([
        'a psql meta-command pg_dump writes; not SQL',
        'schema.sql runs in the public schema',
        'owners are per environment, not part of the declared schema',
      ]),
    );
    const firstOwner = source.ignored.find((i) => i.statement.includes('OWNER TO'))!;
    expect(dump.split('\n')[firstOwner.line - 1]).toContain('OWNER TO postgres');
  });

  it('loads into a scratch database with every object in it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bookshelf-dump-'));
    try {
      writeFileSync(path.join(dir, 'schema.sql'), dump);
      const catalog = await onEmptyScratchDatabase(dev, async () => {
        await loadSchemaFile(dev, path.join(dir, 'schema.sql'));
        return readCatalog(dev);
      });
      for (const key of [
        'table public.authors',
        'table public.alembic_version',
        'view public.author_counts',
        'function public.touch()',
        'trigger public.books.t',
        'sequence public.books_id_seq',
      ]) {
        expect(catalog.has(key), key).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Atlas diffs it (not "schema \\"\\" was not found"), and a second diff writes nothing', async () => {
    repo = scratchRepo();
    rmSync(repo.file('migrations'), { recursive: true });
    writeFileSync(repo.file('schema.sql'), dump);
    const source = writeSchemaSource(repo.root, mkdtempSync(path.join(tmpdir(), 'bookshelf-source-')));
    const diff = (name: string) =>
      onEmptyScratchDatabase(dev, () =>
        atlas(['migrate', 'diff', name, ...targetFlags({ migrate: dev, dev }), '--to', `file://${source.file}`], {
          echo: false,
          cwd: repo!.root,
        }),
      );
    const first = await diff('adopt');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const written = readFileSync(
      repo.file(
        'migrations',
        (await import('node:fs')).readdirSync(repo.file('migrations')).find((f) => f.endsWith('_adopt.sql'))!,
      ),
      'utf8',
    );
    expect(written).toContain('CREATE TABLE "authors" ("id" serial NOT NULL');
    const second = await diff('nothing');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('no changes to be made');
    rmSync(path.dirname(source.file), { recursive: true, force: true });
  });

  it('another psql meta-command is refused with its line', () => {
    expect(() => schemaSource('CREATE TABLE a (id int);\n\\connect other\nCREATE TABLE b (id int);\n')).toThrow(
      'schema.sql:2: \\connect is a psql meta-command, not SQL: remove it',
    );
  });

  it('a statement Postgres refuses is named by file and line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bookshelf-bad-'));
    try {
      writeFileSync(
        path.join(dir, 'schema.sql'),
        'CREATE TABLE a (id int);\n\nCREATE TABLE b (\n  id int,\n  a_id int REFERENCES nowhere (id)\n);\n',
      );
      const error = await onEmptyScratchDatabase(dev, () => loadSchemaFile(dev, path.join(dir, 'schema.sql'))).catch((e: Error) => e);
      expect(String(error)).toContain('schema.sql:5: relation "nowhere" does not exist\n    a_id int REFERENCES nowhere (id)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the scratch database after a failed run', () => {
  it('is empty again: no function or domain left for the next run to trip over', async () => {
    const failed = await onEmptyScratchDatabase(dev, async () => {
      await adminQuery(
        dev,
        `CREATE DOMAIN year AS integer CHECK (VALUE > 1900); CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'`,
      );
      throw new Error('the run failed half way');
    }).catch((e: Error) => e);
    expect(String(failed)).toContain('half way');
    const { rows } = await adminQuery(
      dev,
      `SELECT (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public')::int AS functions,
              (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public')::int AS types`,
    );
    expect(rows[0]).toEqual({ functions: 0, types: 0 });
  });
});
