import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { columnChanges, stillUsed, withoutComments } from '../../src/gate/code-references.ts';

/**
 * Expand and contract: a migration that drops or renames a column the code
 * in src/ still uses is named, with where the code uses it. Against this
 * repository's own src/: the API serves authors.country (its generated shapes).
 */
const src = path.join(repoRoot, 'src');

describe('column drops and renames in a migration', () => {
  it('finds Atlas’s form, a rename, several in one statement, quoted and bare names', () => {
    const sql = `-- Modify "authors" table
ALTER TABLE "authors" DROP COLUMN "country";
ALTER TABLE public.books RENAME COLUMN title TO name;
ALTER TABLE "x" DROP COLUMN "a", DROP COLUMN IF EXISTS b, ADD COLUMN "c" text;
ALTER TABLE y ADD COLUMN z int;
`;
    expect(columnChanges(sql)).toEqual([
      { table: 'authors', column: 'country', change: 'drop', line: 2 },
      { table: 'books', column: 'title', change: 'rename', line: 3 },
      { table: 'x', column: 'a', change: 'drop', line: 4 },
      { table: 'x', column: 'b', change: 'drop', line: 4 },
    ]);
  });

  it('names where src/ still uses a dropped column, and stays quiet for one it does not use', () => {
    const found = stillUsed(
      columnChanges('ALTER TABLE "authors" DROP COLUMN "country";\nALTER TABLE "authors" DROP COLUMN "nickname";\n'),
      src,
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ table: 'authors', column: 'country', change: 'drop' });
    // The API serves every column of the table: the generated shapes name it (and no generated type file counts).
    expect(found[0]!.uses).toEqual(expect.arrayContaining([expect.stringMatching(/^src\/db\/zapatos\/api-shapes\.ts:\d+$/)]));
    expect(found[0]!.uses.some((use) => use.includes('schema.d.ts'))).toBe(false);
  });

  it('counts the generated API shapes only for a table the code serves, and only on that table’s line', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bookshelf-code-references-'));
    try {
      mkdirSync(path.join(dir, 'db', 'zapatos'), { recursive: true });
      writeFileSync(
        path.join(dir, 'db', 'zapatos', 'api-shapes.ts'),
        [
          'export const tables = {',
          '  "authors": {"id":{"type":"int4"},"created_at":{"type":"timestamptz"}},',
          '  "audit_log": {"id":{"type":"int4"},"created_at":{"type":"timestamptz"}},',
          '} as const;',
          '',
        ].join('\n'),
      );
      writeFileSync(path.join(dir, 'db', 'authors.ts'), "export const list = () => db.select('authors', db.all);\n");
      const drops = columnChanges('ALTER TABLE "audit_log" DROP COLUMN "created_at";\nALTER TABLE "authors" DROP COLUMN "created_at";\n');
      expect(stillUsed(drops, dir)).toEqual([
        { table: 'authors', column: 'created_at', change: 'drop', line: 2, uses: [`${path.basename(dir)}/db/zapatos/api-shapes.ts:2`] },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not count a comment as a use (resource-routes.ts speaks of keyset pages and of books)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'code-references-'));
    try {
      writeFileSync(
        path.join(dir, 'routes.ts'),
        "/** books, in keyset pages */\nexport const table = 'books'; // its pages\n/*\n * pages\n */\nconst url = 'http://x/pages';\n",
      );
      const found = stillUsed(columnChanges('ALTER TABLE "books" DROP COLUMN "pages";\n'), dir);
      expect(found.map((use) => use.uses)).toEqual([[expect.stringMatching(/routes\.ts:6$/)]]);
      expect(withoutComments('a /* b\nc */ d // e\nf')).toBe('a     \n     d \nf');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
