import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGateCase, readGateCases } from '../support/gate-case.ts';

/**
 * The reader of the gate's case files (test/support/gate-case.ts): a case it
 * misreads would assert less than it says, so anything ambiguous is refused.
 */
const full = `An index built without CONCURRENTLY.

It blocks writes for the whole build.

-- before.sql --
ALTER TABLE "books" ADD COLUMN "pages" integer NULL;
-- migration.sql --
-- atlas:txmode none

CREATE INDEX "books_pages_idx" ON "books" ("pages");
-- refuses --
squawk require-concurrent-index-creation
# a comment, then a blank line

bookshelf does-not-apply
-- not-refused --
bookshelf narrowing-type-change
-- says --
^20261126010001_case\\.sql:4: CREATE INDEX
blocks every INSERT/UPDATE/DELETE
`;

describe('a gate case file', () => {
  it('gives its title, both migrations as written, the rules and the patterns', () => {
    const parsed = parseGateCase('x.txtar', full);
    expect(parsed).toEqual({
      file: 'x.txtar',
      title: 'An index built without CONCURRENTLY.',
      before: 'ALTER TABLE "books" ADD COLUMN "pages" integer NULL;\n',
      migration: '-- atlas:txmode none\n\nCREATE INDEX "books_pages_idx" ON "books" ("pages");\n',
      refuses: ['squawk require-concurrent-index-creation', 'bookshelf does-not-apply'],
      notRefused: ['bookshelf narrowing-type-change'],
      says: [/^20261126010001_case\.sql:4: CREATE INDEX/m, /blocks every INSERT\/UPDATE\/DELETE/m],
    });
    // ^ anchors on any line of the refusals' text, one finding a line.
    expect('first\n20261126010001_case.sql:4: CREATE INDEX x').toMatch(parsed.says[0]!);
  });

  it('with only a comment under refuses, must pass', () => {
    const parsed = parseGateCase('x.txtar', 'Passes.\n-- migration.sql --\nSELECT 1;\n-- refuses --\n# nothing\n');
    expect(parsed).toMatchObject({ before: undefined, refuses: [], notRefused: [], says: [] });
  });

  it.each([
    ['no title', '-- migration.sql --\nSELECT 1;\n-- refuses --\n', /first line, what the case shows/],
    ['no migration', 'T\n-- refuses --\n', /"-- migration\.sql --" section is required/],
    ['an empty migration', 'T\n-- migration.sql --\n\n-- refuses --\n', /"-- migration\.sql --" section is required/],
    ['no refuses section', 'T\n-- migration.sql --\nSELECT 1;\n', /"-- refuses --" section is required/],
    ['a misspelt section', 'T\n-- migration.sql --\nSELECT 1;\n-- refuses --\n-- not_refused --\nx y\n', /unknown section "not_refused"/],
    [
      'a repeated section',
      'T\n-- migration.sql --\nSELECT 1;\n-- refuses --\na b\n-- refuses --\nc d\n',
      /section "refuses" appears twice/,
    ],
    ['an empty before.sql', 'T\n-- before.sql --\n-- migration.sql --\nSELECT 1;\n-- refuses --\n', /"-- before\.sql --" section is empty/],
    [
      'a pattern that is not a regular expression',
      'T\n-- migration.sql --\nSELECT 1;\n-- refuses --\n-- says --\nfoo(\n',
      /not a regular expression: foo\(/,
    ],
  ])('with %s is refused, naming the file', (_, text, message) => {
    expect(() => parseGateCase('bad.txtar', text)).toThrow(message);
    expect(() => parseGateCase('bad.txtar', text)).toThrow(/^bad\.txtar: .*test\/gate-cases\/README\.md/);
  });
});

it('every file in test/gate-cases/ is a case that reads', () => {
  const cases = readGateCases(path.join(import.meta.dirname, '..', 'gate-cases'));
  expect(cases.length).toBeGreaterThanOrEqual(32);
  expect(new Set(cases.map((c) => c.title)).size).toBe(cases.length);
});
