import { expect, it } from 'vitest';
import { explainAtlasFailure } from '../../src/atlas/output.ts';
import { missingExtension } from '../../src/postgres/unavailable-extension.ts';

it("reads the missing extension from Postgres' message, old and new wording", () => {
  expect(missingExtension('extension "postgis" is not available')).toBe('postgis');
  expect(
    missingExtension(
      'could not open extension control file "/usr/share/postgresql/15/extension/pg_partman.control": No such file or directory',
    ),
  ).toBe('pg_partman');
  expect(missingExtension('relation "postgis" does not exist')).toBeUndefined();
});

it("Atlas's replay of a migration that creates a missing extension says where to get it", () => {
  const stderr =
    'Error: sql/migrate: executing statement "CREATE EXTENSION postgis;" from version "20261206000000": ' +
    'pq: extension "postgis" is not available\n';
  const explained = explainAtlasFailure(stderr, '/nonexistent-project')!;
  expect(explained).toContain('extension "postgis" is not available');
  expect(explained).toContain('does not have the extension "postgis"');
  expect(explained).toContain('point ATLAS_DEV_URL at an empty database on a Postgres that has it');
});
