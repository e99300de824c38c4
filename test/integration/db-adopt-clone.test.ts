import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { checkProject } from '../../src/project-check/check-project.ts';
import { runToEnd } from '../support/process.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';
import { freePort } from '../support/free-port.ts';

/**
 * Issue 19, D16: `db:adopt` where a user meets it.
 * - a. In a bookshelf clone, whose migrations/ still holds the guide's two (committed): `--replace` moves them aside,
 *   says so, and db:check then passes (no "init_setup.sql was changed or deleted after it was committed").
 * - b. When it stops, schema.sql holds what it could write, and each object it could not is named with its line in
 *   schema.sql; after the fix by hand, `--keep-schema` adopts with that file.
 * - c. A function that RETURNS SETOF a table (or takes its row) is written after the table; a statement Postgres
 *   refuses is named by the line of the user's schema.sql, not of a temporary file.
 * - d. With ATLAS_DEV_URL set (and no --dev-url), the embedded Postgres is not started.
 */
const adminUrl = inject('adminUrl');
const made: string[] = [];
const dirs: string[] = [];
let dev: string;

beforeAll(async () => {
  dev = await createDatabase(adminUrl, { empty: true });
});
afterAll(async () => {
  for (const url of [...made, dev]) await dropDatabase(adminUrl, url);
});
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function liveDatabase(sql: string): Promise<string> {
  const url = await createDatabase(adminUrl, { empty: true });
  made.push(url);
  await adminQuery(url, sql);
  return url;
}

/** A project directory; `clone`: a git repository holding the guide's schema.sql and migrations, committed. */
function project({ clone = false } = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bookshelf-adopt-clone-'));
  dirs.push(dir);
  cpSync(path.join(repoRoot, 'atlas.hcl'), path.join(dir, 'atlas.hcl'));
  if (clone) {
    cpSync(path.join(repoRoot, 'schema.sql'), path.join(dir, 'schema.sql'));
    cpSync(path.join(repoRoot, 'migrations'), path.join(dir, 'migrations'), { recursive: true });
    const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { stdio: 'ignore' });
    git('init', '-q');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'the guide');
  }
  return dir;
}

const adopt = (dir: string, live: string, args: string[] = [], env: Record<string, string> = {}) =>
  runToEnd(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), ['src/commands/main.ts', 'adopt', '--url', live, '--dir', dir, ...args], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: '', ATLAS_DEV_URL: dev, SCHEMA_EXCLUDE: '', ...env },
  });

const guideLike = `CREATE TABLE authors (id serial PRIMARY KEY, name varchar(100) NOT NULL);
  CREATE TABLE books (id serial PRIMARY KEY, title text NOT NULL, author_id int REFERENCES authors (id));
  INSERT INTO authors (name) VALUES ('J.R.R. Tolkien');`;

const allPass = async (dir: string, live: string) => {
  const results = await checkProject({ root: dir, devUrl: dev, targetUrl: live });
  return results.filter((r) => r.status !== 'pass').map((r) => [r.name, r.reason, ...r.details].join('\n'));
};

describe('db:adopt where users meet it (issue 19, D16)', () => {
  it('d: with ATLAS_DEV_URL set, it uses that database and never starts the embedded Postgres', { timeout: 180_000 }, async () => {
    const live = await liveDatabase(guideLike);
    const dir = project();
    const pgDir = path.join(dir, 'never-started-pg');
    const run = await adopt(dir, live, [], { EMBEDDED_PG_DIR: pgDir, EMBEDDED_PG_PORT: String(await freePort()) });
    expect(run.output).not.toMatch(/starting Postgres|initialising a new Postgres/);
    expect(run.code, run.output).toBe(0);
    expect(existsSync(pgDir)).toBe(false);
  });

  it('c: a function that returns SETOF a table, or takes its row, comes after the table', { timeout: 180_000 }, async () => {
    const live = await liveDatabase(`${guideLike}
      CREATE FUNCTION books_by(a integer) RETURNS SETOF books LANGUAGE sql STABLE AS $$ SELECT * FROM books WHERE author_id = a $$;
      CREATE FUNCTION label(b books) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT b.title || ' #' || b.id $$;
      CREATE VIEW tolkien_books AS SELECT label(b) AS label FROM books_by(1) AS b;`);
    const dir = project();
    const run = await adopt(dir, live);
    expect(run.code, run.output).toBe(0);
    const schema = readFileSync(path.join(dir, 'schema.sql'), 'utf8');
    const table = schema.indexOf('CREATE TABLE "books"');
    expect(table).toBeGreaterThan(-1);
    expect(schema.indexOf('FUNCTION public.books_by(')).toBeGreaterThan(table);
    expect(schema.indexOf('FUNCTION public.label(')).toBeGreaterThan(table);
    expect(schema.indexOf('CREATE VIEW public.tolkien_books')).toBeGreaterThan(schema.indexOf('FUNCTION public.books_by('));
    expect(await allPass(dir, live)).toEqual([]);
  });

  it(
    'c and b: a statement Postgres refuses is named by the line of the user’s own schema.sql, and how to go on',
    { timeout: 240_000 },
    async () => {
      const live = await liveDatabase(`${guideLike}
        CREATE FUNCTION books_by(a integer) RETURNS SETOF books LANGUAGE sql STABLE AS $$ SELECT * FROM books WHERE author_id = a $$;`);
      const dir = project();
      // What db:adopt wrote before: the function first.
      const lines = [
        '-- my schema',
        'CREATE FUNCTION books_by(a integer) RETURNS SETOF books LANGUAGE sql STABLE AS $$ SELECT * FROM books WHERE author_id = a $$;',
        'CREATE TABLE authors (id serial PRIMARY KEY, name varchar(100) NOT NULL);',
        'CREATE TABLE books (id serial PRIMARY KEY, title text NOT NULL, author_id int REFERENCES authors (id));',
      ];
      writeFileSync(path.join(dir, 'schema.sql'), `${lines.join('\n')}\n`);
      const run = await adopt(dir, live, ['--keep-schema']);
      expect(run.code).not.toBe(0);
      expect(run.output).toMatch(/schema\.sql:2\b/);
      expect(run.output).toContain('schema.sql:2: type "books" does not exist');
      expect(run.output).not.toMatch(/bookshelf-adopt/); // no temporary file
      expect(run.output).toContain('--keep-schema');
      expect(existsSync(path.join(dir, 'migrations'))).toBe(false);

      writeFileSync(path.join(dir, 'schema.sql'), `${[lines[0], lines[2], lines[3], lines[1]].join('\n')}\n`);
      const kept = await adopt(dir, live, ['--keep-schema']);
      expect(kept.code, kept.output).toBe(0);
      expect(kept.output).toContain('kept schema.sql');
      expect(await allPass(dir, live)).toEqual([]);
    },
  );

  it('b: with --keep-schema, an object schema.sql lacks or declares otherwise is named, with its line', { timeout: 180_000 }, async () => {
    const live = await liveDatabase(`${guideLike}
      CREATE VIEW titles AS SELECT title FROM books;`);
    const dir = project();
    writeFileSync(
      path.join(dir, 'schema.sql'),
      [
        'CREATE TABLE authors (id serial PRIMARY KEY, name varchar(100) NOT NULL);',
        '',
        'CREATE TABLE books (',
        '  id serial PRIMARY KEY,',
        '  title varchar(10) NOT NULL,',
        '  author_id int REFERENCES authors (id)',
        ');',
        '',
      ].join('\n'),
    );
    const run = await adopt(dir, live, ['--keep-schema']);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('view public.titles: missing from schema.sql');
    expect(run.output).toContain('column public.books.title: differs, schema.sql:5');
    expect(existsSync(path.join(dir, 'migrations'))).toBe(false);
  });

  it(
    'a: in a clone holding the guide’s migrations, --replace moves them aside and db:check passes after',
    { timeout: 300_000 },
    async () => {
      const live = await liveDatabase(guideLike);
      const dir = project({ clone: true });
      const guides = readdirSync(path.join(dir, 'migrations')).sort();

      const refused = await adopt(dir, live);
      expect(refused.code).toBe(2);
      expect(refused.output).toContain('--replace');
      expect(readdirSync(path.join(dir, 'migrations')).sort()).toEqual(guides);

      const run = await adopt(dir, live, ['--replace']);
      expect(run.code, run.output).toBe(0);
      expect(run.output).toContain('to migrations.before-adopt/');
      expect(readdirSync(path.join(dir, 'migrations.before-adopt')).sort()).toEqual(guides);
      const now = readdirSync(path.join(dir, 'migrations')).sort();
      expect(now).toEqual([expect.stringMatching(/^\d{14}_baseline\.sql$/), 'atlas.sum']);
      expect(await allPass(dir, live)).toEqual([]);

      // The rule is narrow: a committed migration changed (not replaced) is still refused.
      const guideFile = guides.find((name) => name.endsWith('.sql'))!;
      execFileSync('git', ['-C', dir, 'checkout', '-q', 'HEAD', '--', `migrations/${guideFile}`]);
      writeFileSync(path.join(dir, 'migrations', guideFile), '-- changed\n');
      const results = await checkProject({ root: dir, devUrl: dev });
      expect(results.find((r) => r.name === 'migrations intact')?.status).toBe('fail');
    },
  );
});
