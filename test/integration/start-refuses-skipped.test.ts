import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { atlasOrThrow } from '../../src/atlas/run.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';
import { runEntrypoint } from '../support/process.ts';
import { scratchRepo } from '../support/scratch-repo.ts';

/**
 * A migrating `npm start` goes through the same applyMigrations as db:apply:
 * a file older than the database's last applied version (it arrived by a
 * merge) stops the start before serving, named, and nothing is applied.
 * Atlas alone would find nothing pending and serve without it.
 */
const adminUrl = inject('adminUrl');
const repo = scratchRepo({ runnable: true });
let live: string;
let dev: string;
beforeAll(async () => {
  live = await createDatabase(adminUrl); // the template: both committed migrations applied
  dev = await createDatabase(adminUrl, { empty: true });
});
afterAll(async () => {
  await dropDatabase(adminUrl, live);
  await dropDatabase(adminUrl, dev);
  repo.dispose();
});

it('MIGRATE_ON_START=1 refuses a skipped migration file, names it, serves nothing', { timeout: 180_000 }, async () => {
  const file = '20261126000000_add_publishers.sql';
  writeFileSync(repo.file('migrations', file), 'CREATE TABLE "publishers" ("id" integer NOT NULL, PRIMARY KEY ("id"));\n');
  await atlasOrThrow(['migrate', 'hash', ...targetFlags({ migrate: dev, dev })], { echo: false, cwd: repo.root });
  const server = runEntrypoint(repo.file('src', 'main.ts'), {
    DATABASE_URL: live,
    ATLAS_DEV_URL: dev,
    MIGRATE_ON_START: '1',
    PORT: '0',
    HOST: '127.0.0.1',
  });
  try {
    const outcome = await server.waitFor(/"msg":"serving"/, 150_000).then(
      () => 'served',
      async () => `exit ${(await server.exited).code}`,
    );
    expect(outcome).toBe('exit 1');
    expect(server.output()).toContain('refusing to apply: nothing was applied');
    expect(server.output()).toContain(`migrations/${file}`);
    expect(server.output()).toContain('npm run db:rebase');
  } finally {
    server.child.kill('SIGKILL');
  }
  const { rows } = await adminQuery(live, `SELECT to_regclass('public.publishers') AS publishers`);
  expect(rows).toEqual([{ publishers: null }]);
});
