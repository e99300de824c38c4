import { writeFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { atlasOrThrow } from '../../src/atlas/run.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { embeddedCredentials, embeddedUrl } from '../../src/postgres/embedded.ts';
import { databaseNames } from '../../src/postgres/targets.ts';
import { ownCluster } from '../support/cluster.ts';
import { adminQuery } from '../support/postgres.ts';
import { runEntrypoint } from '../support/process.ts';
import { scratchRepo } from '../support/scratch-repo.ts';

/**
 * Issue 10's first finding, replayed: after `db:diff -- drop_country`, a
 * plain `npm start` (embedded Postgres) applied the unreviewed DROP COLUMN.
 * Now the start-up migration runs the gate and refuses it, before serving.
 */
const own = await ownCluster(); // a place and a port; npm start creates the cluster itself
const cluster = { ...own.cluster, ...embeddedCredentials };
const repo = scratchRepo({ runnable: true });
afterAll(async () => {
  await own.dispose();
  repo.dispose();
});

const start = () =>
  runEntrypoint(repo.file('src', 'main.ts'), {
    EMBEDDED_PG_DIR: cluster.dataDir,
    EMBEDDED_PG_PORT: String(cluster.port),
    PORT: '0',
    HOST: '127.0.0.1',
  });
const appQuery = (text: string) => adminQuery(embeddedUrl(cluster, databaseNames.app), text);

it('a plain npm start (embedded) refuses an unreviewed DROP COLUMN and leaves the column and its values', async () => {
  const first = start();
  try {
    await first.waitFor(/"msg":"serving"/);
    // The committed migrations pass the gate (since squawk's noise on new relations is filtered, with no warning);
    // warnings, when there are any, are summed up, not listed, at start-up.
    expect(first.output()).toMatch(
      /migration gate: 2 pending migration\(s\) accepted( with \d+ warning\(s\) \(npm run db:apply -- --dry-run shows them\))?"/,
    );
  } finally {
    first.child.kill('SIGTERM');
    await first.exited;
  }
  expect((await appQuery(`UPDATE authors SET country = 'UK' WHERE name = 'J.R.R. Tolkien' RETURNING country`)).rows).toEqual([
    { country: 'UK' },
  ]);

  writeFileSync(repo.file('migrations', '20261126010000_drop_country.sql'), 'ALTER TABLE "authors" DROP COLUMN "country";\n');
  const dev = embeddedUrl(cluster, databaseNames.dev);
  await atlasOrThrow(['migrate', 'hash', ...targetFlags({ migrate: dev, dev })], { echo: false, cwd: repo.root });

  const second = start();
  try {
    const outcome = await second.waitFor(/"msg":"serving"/).then(
      () => 'served',
      async () => `exit ${(await second.exited).code}`,
    );
    expect(outcome).toBe('exit 1');
    expect(second.output()).toContain('refusing to apply 1 pending migration(s)');
    // Plain lines on stderr for the person starting the server, not one JSON log line with escaped line breaks.
    expect(second.output()).toMatch(/^refusing to apply 1 pending migration\(s\)/m);
    expect(second.output()).toMatch(
      /^\s*.*20261126010000_drop_country\.sql:1: Dropping non-virtual column "country" \(DS103, destructive\)/m,
    );
    expect(second.output()).not.toMatch(/"level":\d+,[^\n]*refusing to apply/);
  } finally {
    second.child.kill('SIGKILL');
  }
  expect((await appQuery(`SELECT country FROM authors WHERE name = 'J.R.R. Tolkien'`)).rows).toEqual([{ country: 'UK' }]);
});
