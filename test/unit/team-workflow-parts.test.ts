import { describe, expect, it } from 'vitest';
import { droppedColumn } from '../../src/gate/dropped-column.ts';
import { descriptionOf, nextVersions } from '../../src/migrate/versions.ts';
import { versionOf } from '../../src/project/migration-files.ts';
import { hasConflictMarkers } from '../../src/project/sum-conflict.ts';

/** The small pieces of db:rebase, db:revert and the gate's row counts, without Postgres or Atlas. */
describe('migration versions (db:rebase)', () => {
  it('counts Atlas timestamps up by seconds, across a day and a year', () => {
    expect(nextVersions('20261204200000', 2)).toEqual(['20261204200001', '20261204200002']);
    expect(nextVersions('20261231235959', 2)).toEqual(['20270101000000', '20270101000001']);
  });
  it('counts other numeric versions up by one', () => {
    expect(nextVersions('7', 2)).toEqual(['8', '9']);
  });
  it('splits a file name into version and description', () => {
    expect(versionOf('20261204190000_add_website.sql')).toBe('20261204190000');
    expect(descriptionOf('20261204190000_add_website.sql')).toBe('add_website.sql');
  });
});

describe('atlas.sum conflict markers', () => {
  const conflicted = [
    'h1:total=',
    '20261126000606_init_setup.sql h1:a=',
    '<<<<<<< HEAD',
    '20261204190000_add_website.sql h1:b=',
    '=======',
    '20261204200000_add_twitter.sql h1:c=',
    '>>>>>>> main',
  ].join('\n');
  it('finds git’s markers, and no marker in a clean sum', () => {
    expect(hasConflictMarkers(conflicted)).toBe(true);
    expect(hasConflictMarkers('h1:total=\n20261126000606_init_setup.sql h1:a=\n')).toBe(false);
  });
});

describe('the column of an Atlas DS103 finding', () => {
  const text = '-- Modify "authors" table\nALTER TABLE "authors" DROP COLUMN "twitter";\n';
  it('takes the table from the statement at the finding and the column from its message', () => {
    expect(droppedColumn(text, text.indexOf('ALTER'), 'Dropping non-virtual column "twitter"')).toEqual({
      table: 'authors',
      column: 'twitter',
    });
    expect(droppedColumn('ALTER TABLE public.books DROP COLUMN price;', 0, 'Dropping non-virtual column "price"')).toEqual({
      table: 'books',
      column: 'price',
    });
  });
  it('names nothing it cannot read', () => {
    expect(droppedColumn(text, 0, 'Dropping non-virtual column "twitter"')).toBeUndefined();
  });
});
