import { describe, expect, it } from 'vitest';
import { expectedLock } from '../../src/project-check/report/expected-locks.ts';
import { strongestLocks } from '../../src/project-check/report/lock-watch.ts';
import { reviewMarkdown } from '../../src/project-check/report/markdown.ts';
import type { ReviewReport } from '../../src/project-check/report/model.ts';
import { tableOfStatement, tableOfStatementAt } from '../../src/project-check/report/touched-rows.ts';

/** The review report's pure parts: which table a statement acts on, the lock its kind takes, and the Markdown. */
describe('statements', () => {
  it('names the table an ALTER, DROP, CREATE INDEX, UPDATE or DELETE acts on, as written', () => {
    expect(tableOfStatement('ALTER TABLE "books" ALTER COLUMN "title" TYPE varchar(20);')).toBe('"books"');
    expect(tableOfStatement('alter table only public.books add column x int;')).toBe('public.books');
    expect(tableOfStatement('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "i" ON ONLY "a""b" (x);')).toBe('"a""b"');
    expect(tableOfStatement('DELETE FROM authors WHERE id = 1;')).toBe('authors');
    expect(tableOfStatement('CREATE TABLE t (id int);')).toBeNull();
    const file = '-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY i ON books (title);\n\nALTER TABLE authors\n  DROP COLUMN bio;\n';
    expect(tableOfStatementAt(file, 3)).toBe('books');
    expect(tableOfStatementAt(file, 6)).toBe('authors');
    expect(tableOfStatementAt(file, 1)).toBeNull();
  });

  it('knows the lock each statement kind takes (the fallback when a lock could not be seen)', () => {
    expect(expectedLock('ALTER TABLE "books" ALTER COLUMN "title" TYPE varchar(20)')).toEqual({
      relation: 'books',
      mode: 'AccessExclusiveLock',
    });
    expect(expectedLock('CREATE INDEX CONCURRENTLY i ON books (title)')).toEqual({ relation: 'books', mode: 'ShareUpdateExclusiveLock' });
    expect(expectedLock('CREATE INDEX i ON books (title)')).toEqual({ relation: 'books', mode: 'ShareLock' });
    expect(expectedLock('ALTER TABLE books VALIDATE CONSTRAINT c')).toEqual({ relation: 'books', mode: 'ShareUpdateExclusiveLock' });
    expect(expectedLock('ALTER TABLE books ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES authors (id) NOT VALID')).toEqual({
      relation: 'books',
      mode: 'ShareRowExclusiveLock',
    });
    expect(expectedLock('CREATE TABLE t (id int)')).toBeNull();
  });
});

describe('locks', () => {
  it('keeps the strongest lock per relation, strongest first, and leaves out relations that lived only inside the statement', () => {
    const names = new Map([
      [1, 'books'],
      [2, 'authors'],
    ]);
    const raw = [
      { oid: 1, mode: 'AccessShareLock' },
      { oid: 2, mode: 'RowExclusiveLock' },
      { oid: 1, mode: 'AccessExclusiveLock' },
      { oid: 3, mode: 'AccessExclusiveLock' }, // a rewrite's new heap, dropped by the time names are read
    ];
    expect(strongestLocks(raw, names)).toEqual([
      { relation: 'books', mode: 'AccessExclusiveLock', blocks: 'blocks every read and write of it', measured: true },
      { relation: 'authors', mode: 'RowExclusiveLock', blocks: 'blocks schema changes, not reads or writes', measured: true },
    ]);
  });
});

const report: ReviewReport = {
  generatedAt: '2026-12-05T00:00:00.000Z',
  base: 'origin/main',
  scope: '1 file(s) new since origin/main',
  target: 'postgres://u:***@host/db',
  migrations: [
    {
      file: '20261205000000_narrow.sql',
      sql: 'ALTER TABLE "books" ALTER COLUMN "title" TYPE character varying(20);\n',
      findings: [
        {
          file: '20261205000000_narrow.sql',
          line: 1,
          source: 'bookshelf',
          rule: 'narrowing',
          level: 'fail',
          message: 'narrows "books"."title"',
          optOut: '-- bookshelf:allow narrowing',
          rows: ['rows: "books"."title": 2 of 7 non-null values would be changed'],
        },
      ],
    },
  ],
  rehearsal: {
    status: 'done',
    on: 'a temporary copy',
    succeeded: true,
    totalMs: 12,
    files: [
      {
        file: '20261205000000_narrow.sql',
        new: true,
        transaction: true,
        notRun: 0,
        heldUntilCommit: [{ relation: 'books', mode: 'AccessExclusiveLock', blocks: 'blocks every read and write of it', measured: true }],
        statements: [
          {
            line: 1,
            sql: 'ALTER TABLE "books" ALTER COLUMN "title" TYPE character varying(20) USING a || b',
            ms: 4.2,
            locks: [{ relation: 'books', mode: 'AccessExclusiveLock', blocks: 'blocks every read and write of it', measured: true }],
            rewrites: [{ relation: 'books', kind: 'table', size: '8192 bytes' }],
          },
        ],
      },
    ],
  },
  api: {
    status: 'done',
    base: 'origin/main',
    breaking: [
      { level: 'error', operation: 'POST', path: '/books', text: 'decreased the max length', id: 'request-property-max-length-decreased' },
    ],
    other: [{ level: 'info', operation: 'GET', path: '/books', text: 'changed something', id: 'x' }],
  },
  checks: [{ name: 'lint newest migrations', status: 'fail', reason: 'refused' }],
};

describe('the Markdown', () => {
  it('leads with the verdict, keeps table cells whole and lists breaking API changes before the others', () => {
    const markdown = reviewMarkdown(report);
    expect(markdown.split('\n').slice(0, 4)).toEqual([
      '<!-- bookshelf:review-report -->',
      '## Migration review',
      '',
      '❌ **db:check failed**: lint newest migrations',
    ]);
    expect(markdown).toContain('- Rehearsal ran every statement in 12 ms; **rewrote books**; ACCESS EXCLUSIVE lock on books');
    expect(markdown).toContain('| 1 | `ALTER TABLE "books" ALTER COLUMN "title" TYPE character varying(20) USING a \\|\\| b` | 4.2 ms |');
    expect(markdown).toContain(
      '- ❌ refused `20261205000000_narrow.sql:1` narrows "books"."title" (bookshelf narrowing). If intended: `-- bookshelf:allow narrowing` in the file.',
    );
    expect(markdown).toContain('  - "books"."title": 2 of 7 non-null values would be changed');
    expect(markdown).toContain('Held until COMMIT, about 4.2 ms on this copy: AccessExclusiveLock on `books`.');
    expect(markdown.indexOf('**Breaking**')).toBeLessThan(markdown.indexOf('**Other changes**'));
    expect(markdown).toContain('- ❌ error `POST /books`: decreased the max length (request-property-max-length-decreased)');
  });
});
