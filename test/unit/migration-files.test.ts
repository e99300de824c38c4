import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileOfVersion, migrationFiles, migrationNames, versionOf } from '../../src/project/migration-files.ts';
import { lineAt } from '../../src/project/sql-statements.ts';

const root = mkdtempSync(path.join(tmpdir(), 'bookshelf-unit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the one listing of migrations/', () => {
  it('lists .sql files in the order Atlas applies them, and nothing else', () => {
    mkdirSync(path.join(root, 'migrations'));
    writeFileSync(path.join(root, 'migrations', '20261204200000_add_twitter.sql'), 'ALTER TABLE a ADD COLUMN t text;\n');
    writeFileSync(
      path.join(root, 'migrations', '20261204190000_add_website.sql'),
      '-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY i ON a (t);\n',
    );
    writeFileSync(path.join(root, 'migrations', 'atlas.sum'), 'h1:x\n');
    expect(migrationNames(root)).toEqual(['20261204190000_add_website.sql', '20261204200000_add_twitter.sql']);
    expect(migrationFiles(root).map((file) => [file.name, file.noTransaction])).toEqual([
      ['20261204190000_add_website.sql', true],
      ['20261204200000_add_twitter.sql', false],
    ]);
    expect(fileOfVersion(root, '20261204200000')).toBe('20261204200000_add_twitter.sql');
    expect(fileOfVersion(root, '2026120420000')).toBeUndefined();
    expect(versionOf('20261204190000_add_website.sql')).toBe('20261204190000');
  });

  it('a project without migrations/ has none', () => {
    expect(migrationNames(path.join(root, 'nowhere'))).toEqual([]);
  });

  it('lineAt counts 1-based lines up to an offset', () => {
    const text = 'a\nbb\nccc';
    expect([0, 1, 2, 4, 5, 8].map((offset) => lineAt(text, offset))).toEqual([1, 1, 2, 2, 3, 3]);
  });
});
