import { describe, expect, it } from 'vitest';
import { compareWithRevisions } from '../../src/migrate/out-of-order.ts';
import { versionOf } from '../../src/project/migration-files.ts';
import type { Revision } from '../../src/migrate/revisions.ts';

const revision = (version: string, extra: Partial<Revision> = {}): Revision => ({
  version,
  description: '',
  type: 2,
  applied: 1,
  total: 1,
  error: '',
  errorStatement: '',
  ...extra,
});

const files = ['1_init.sql', '3_b.sql', '2_a.sql', '4_c.sql'];

describe("migrations/ against a target's revisions", () => {
  it('a file older than the last applied version and never applied is skipped, and still expected', () => {
    const result = compareWithRevisions(files, [revision('1'), revision('3')]);
    expect(result.skipped).toEqual(['2_a.sql']);
    expect(result.expected).toEqual(['1_init.sql', '2_a.sql', '3_b.sql']);
    expect(result.pending).toEqual(['4_c.sql']);
    expect(result.lastApplied).toBe('3');
  });

  it('files in order: nothing skipped; none applied: everything pending', () => {
    expect(compareWithRevisions(files, [revision('1'), revision('2')]).skipped).toEqual([]);
    const none = compareWithRevisions(files, []);
    expect(none).toMatchObject({
      skipped: [],
      expected: [],
      lastApplied: null,
      unknown: [],
      partial: null,
    });
    expect(none.pending).toHaveLength(4);
  });

  it('a version applied that migrations/ lacks is unknown', () => {
    const result = compareWithRevisions(['1_init.sql'], [revision('1'), revision('5', { description: 'other_branch' })]);
    expect(result.unknown.map((r) => r.version)).toEqual(['5']);
    expect(result.skipped).toEqual([]);
  });

  it('a baseline covers the files up to its version', () => {
    const result = compareWithRevisions(files, [revision('2', { type: 1 }), revision('3')]);
    expect(result.skipped).toEqual([]);
  });

  it('a revision with an error, or fewer statements applied than the file has, is partial', () => {
    expect(compareWithRevisions(files, [revision('1', { applied: 1, total: 3, error: 'boom' })]).partial?.version).toBe('1');
    expect(compareWithRevisions(files, [revision('1', { applied: 2, total: 3 })]).partial?.version).toBe('1');
  });

  it('a version is the part of the name before the first underscore', () => {
    expect(versionOf('20261204190000_add_website.sql')).toBe('20261204190000');
    expect(versionOf('7.sql')).toBe('7');
  });
});
