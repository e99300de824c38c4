import { expect, it } from 'vitest';
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
