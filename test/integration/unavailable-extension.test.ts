import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { diffMigration } from '../../src/catalog/diff-migration.ts';
import { catalogOfSchemaFile } from '../../src/catalog/states.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { UnavailableExtensionError } from '../../src/postgres/unavailable-extension.ts';
import { createDatabase, dropDatabase } from '../support/postgres.ts';
import { scratchRepo } from '../support/scratch-repo.ts';

/**
 * Issue 19, D17: `CREATE EXTENSION postgis` in schema.sql, on the embedded
 * Postgres (which ships contrib only), stopped db:diff with Postgres'
 * `extension "postgis" is not available` and nothing more. Now: a UserError
 * (EXTENSION_UNAVAILABLE) naming the line of schema.sql, the extensions that
 * server has, that Neon offers PostGIS, and how to point ATLAS_DEV_URL at a
 * Postgres that has it; migrations/ untouched.
 */
const adminUrl = inject('adminUrl');
let dev: string;
const repo = scratchRepo();
const base = readFileSync(repo.file('schema.sql'), 'utf8');

beforeAll(async () => {
  dev = await createDatabase(adminUrl, { empty: true });
  appendFileSync(repo.file('schema.sql'), '\nCREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;\n');
});
afterAll(async () => {
  await dropDatabase(adminUrl, dev);
  repo.dispose();
});

const line = base.split('\n').length + 1;

function expectExplained(error: unknown): void {
  expect(error).toBeInstanceOf(UnavailableExtensionError);
  const { code, message, hint } = error as UnavailableExtensionError;
  expect(code).toBe('EXTENSION_UNAVAILABLE');
  expect(message).toContain(`schema.sql:${line}: extension "postgis" is not available`);
  expect(message).toContain('CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;');
  expect(hint).toMatch(/^Extensions it has \(\d+\): .*\bpg_trgm\b.*\bhstore\b|^Extensions it has \(\d+\): .*\bhstore\b.*\bpg_trgm\b/m);
  expect(hint).toContain('Neon offers postgis');
  expect(hint).toContain('point ATLAS_DEV_URL at an empty database on a Postgres that has it');
}

it('db:diff stops with what to do, and writes nothing', { timeout: 180_000 }, async () => {
  const before = readdirSync(repo.file('migrations')).sort();
  const error = await diffMigration({
    root: repo.root,
    devUrl: dev,
    name: 'gis',
    atlasFlags: targetFlags({ migrate: dev, dev }),
    echo: false,
  }).catch((e: unknown) => e);
  expectExplained(error);
  expect(readdirSync(repo.file('migrations')).sort()).toEqual(before);
});

it("the scratch loader (db:check's schema.sql state) says the same", { timeout: 120_000 }, async () => {
  expectExplained(await catalogOfSchemaFile(dev, repo.root).catch((e: unknown) => e));
});
