import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { atlasOrThrow } from '../../src/atlas/run.ts';
import { typesFromMigrations } from '../../src/commands/db-types.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import type { ReviewReport } from '../../src/project-check/report/model.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';
import { runDbCheck, scratchRepo } from '../support/scratch-repo.ts';

/**
 * `npm run db:check -- --report r.md --json r.json` on a scratch copy of the
 * repository (a git repository whose HEAD is the base), with the real
 * Atlas, the real Postgres and the real oasdiff: what a reviewer reads.
 */
const adminUrl = inject('adminUrl');
let dev: string;
let target: string;
let repo: ReturnType<typeof scratchRepo>;

const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-C', repo.root, ...args], { stdio: 'pipe' });
const edit = (file: string, change: (text: string) => string) => writeFileSync(file, change(readFileSync(file, 'utf8')));

/** Changes schema.sql, lets the real Atlas write the migration and regenerates the types and API shapes: a consistent change. */
async function schemaChange(name: string, change: (schema: string) => string): Promise<string> {
  edit(repo.file('schema.sql'), change);
  await atlasOrThrow(['migrate', 'diff', name, ...targetFlags({ migrate: dev, dev })], { echo: false, cwd: repo.root });
  await typesFromMigrations(dev, repo.file('src', 'db'), false, repo.root);
  return readdirSync(repo.file('migrations')).find((f) => f.endsWith(`_${name}.sql`))!;
}

async function report(args: string[]): Promise<{ code: number; output: string; markdown: string; json: ReviewReport }> {
  const run = await runDbCheck([
    '--dir',
    repo.root,
    '--dev-url',
    dev,
    '--report',
    repo.file('review.md'),
    '--json',
    repo.file('review.json'),
    ...args,
  ]);
  return {
    ...run,
    markdown: readFileSync(repo.file('review.md'), 'utf8'),
    json: JSON.parse(readFileSync(repo.file('review.json'), 'utf8')) as ReviewReport,
  };
}

beforeAll(async () => {
  dev = await createDatabase(adminUrl, { empty: true });
  repo = scratchRepo({ runnable: true });
  writeFileSync(repo.file('.gitignore'), 'node_modules\n.atlas\nreview.*\n');
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'base');
});
afterAll(async () => {
  repo?.dispose();
  await dropDatabase(adminUrl, dev);
});

describe('the review report', () => {
  beforeAll(async () => {
    target = await createDatabase(adminUrl);
    await adminQuery(target, `INSERT INTO authors (id, name) VALUES (1, 'Ursula K. Le Guin')`);
    await adminQuery(target, `INSERT INTO books (title, author_id) SELECT t, 1 FROM unnest($1::text[]) AS t`, [
      [
        'Earthsea',
        'The Dispossessed',
        'Lavinia',
        'Always Coming Home',
        'The Lathe of Heaven',
        'The Left Hand of Darkness',
        'The Word for World Is Forest',
      ],
    ]);
  });
  afterAll(async () => {
    await dropDatabase(adminUrl, target);
    git('checkout', '-q', '--', '.');
    git('clean', '-qfd');
  });

  it('for a narrowing change on a table with rows: rows touched, a failing rehearsal, then a passing one that rewrites the table', async () => {
    const file = await schemaChange('narrow_title', (s) =>
      s.replace('title      varchar(200) NOT NULL', 'title      varchar(20) NOT NULL'),
    );

    const first = await report(['--url', target]);
    expect(first.code).toBe(1); // the gate refuses the narrowing
    const migration = first.json.migrations.find((m) => m.file === file)!;
    expect(migration.sql).toMatch(/ALTER TABLE "books" ALTER COLUMN "title" TYPE character varying\(20\)/);
    const narrowing = migration.findings.find((f) => f.source === 'bookshelf')!;
    expect(narrowing.line).toBeGreaterThan(0);
    expect(narrowing.rows.join('\n')).toMatch(/"books"\."title": 2 of 7 non-null values would be changed/);
    expect(narrowing.rows.join('\n')).toMatch(/books: 7 rows in the table/);
    expect(first.json.rehearsal).toEqual(expect.objectContaining({ status: 'done' }));
    const failed = first.json.rehearsal.status === 'done' ? first.json.rehearsal : undefined;
    expect(failed!.succeeded).toBe(false);
    const failing = failed!.files.find((f) => f.file === file)!.statements[0]!;
    expect(failing.error).toMatch(/value too long for type character varying\(20\)/);
    // It failed at once and released its lock: the lock its kind takes is shown, marked as not seen.
    expect(failing.locks).toContainEqual(expect.objectContaining({ relation: 'books', mode: 'AccessExclusiveLock' }));
    expect(first.markdown).toMatch(
      /AccessExclusiveLock on `books` \(blocks every read and write of it(; expected for this statement, not seen)?\)/,
    );
    expect(first.markdown).toContain(`\`${file}:${narrowing.line}\``);
    expect(first.markdown).toMatch(/Rehearsal \*\*failed\*\*: value too long/);
    // The copy is gone; the target is untouched.
    const copies = await adminQuery(adminUrl, `SELECT datname FROM pg_database WHERE datname LIKE '%rehearsal%'`);
    expect(copies.rows).toEqual([]);
    const { rows } = await adminQuery(
      target,
      `SELECT character_maximum_length AS n FROM information_schema.columns WHERE table_name = 'books' AND column_name = 'title'`,
    );
    expect(rows[0].n).toBe(200);

    // The data fixed first, as the report says: now the rehearsal runs, and shows the rewrite and its lock.
    await adminQuery(target, `UPDATE books SET title = left(title, 20)`);
    const second = await report(['--url', target]);
    const rehearsal = second.json.rehearsal.status === 'done' ? second.json.rehearsal : undefined;
    expect(rehearsal?.succeeded).toBe(true);
    const alter = rehearsal!.files.find((f) => f.file === file)!.statements[0]!;
    expect(alter.error).toBeUndefined();
    expect(alter.ms).toBeGreaterThan(0);
    expect(alter.rewrites).toContainEqual(expect.objectContaining({ relation: 'books', kind: 'table' }));
    expect(alter.locks).toContainEqual(
      expect.objectContaining({
        relation: 'books',
        mode: 'AccessExclusiveLock',
        blocks: 'blocks every read and write of it',
        measured: true,
      }),
    );
    expect(second.json.migrations[0]!.findings.find((f) => f.source === 'bookshelf')!.rows.join()).toMatch(/0 of 7 non-null values/);
    expect(second.markdown).toMatch(
      /\| \d+ \| `ALTER TABLE "books" ALTER COLUMN "title" TYPE character varying\(20\)[^|]*` \| [\d.]+ ms \| AccessExclusiveLock on `books`[^|]*\| \*\*yes\*\*: table `books`/,
    );
    expect(second.markdown).toMatch(/Rehearsal ran every statement in \d+ ms; \*\*rewrote books\*\*; ACCESS EXCLUSIVE lock on books/);
    // The API: a shorter maxLength for a book's title breaks clients that send longer ones.
    expect(second.json.api.status).toBe('done');
    const api = second.json.api.status === 'done' ? second.json.api : undefined;
    expect(api!.breaking.map((d) => d.id)).toContain('request-property-max-length-decreased');
  }, 300_000);

  it('for a change that drops a column the API serves: oasdiff names it breaking, errors first', async () => {
    git('checkout', '-q', '--', '.');
    git('clean', '-qfd');
    const file = await schemaChange('drop_bio', (s) => s.replace(/^\s*bio\s+text,\n/m, '\n'));
    const run = await report([]);
    expect(run.json.migrations.map((m) => m.file)).toEqual([file]);
    expect(run.json.migrations[0]!.findings.some((f) => f.level === 'fail' && /bio/.test(f.message))).toBe(true);
    expect(run.json.rehearsal).toEqual({ status: 'skipped', reason: expect.stringMatching(/no target: pass --url/) });
    const api = run.json.api.status === 'done' ? run.json.api : undefined;
    expect(run.json.api).toEqual(expect.objectContaining({ status: 'done' }));
    expect(api?.base).toBe('HEAD');
    expect(api!.breaking[0]).toEqual(
      expect.objectContaining({ level: 'error', id: 'response-required-property-removed', operation: 'GET', path: '/authors' }),
    );
    expect(api!.breaking.map((d) => d.text).join('\n')).toMatch(/removed the request property `bio`/);
    const markdown = run.markdown;
    expect(markdown.indexOf('**Breaking**')).toBeGreaterThan(0);
    expect(markdown).toMatch(/- ❌ error `GET \/authors`: removed the required property `items\/bio` from the response/);
    expect(markdown).toMatch(/API: \*\*\d+ breaking change\(s\)\*\*/);
  }, 300_000);
});
