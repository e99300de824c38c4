import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOutage, call, startApp, type TestApp } from '../support/app.ts';
import { ownMigratedCluster, type MigratedCluster } from '../support/cluster.ts';
import { outageUnderLoad } from '../support/load.ts';
import { PGBOUNCER, requireOptionalProgram } from '../support/optional-program.ts';
import { startPgBouncer, type PgBouncer } from '../support/pgbouncer.ts';

/**
 * A suspend seen through Neon's pooled endpoint: the compute goes away with
 * its PgBouncer, so the app's connections (to the pooler) are cut and new
 * ones are refused until it is back. Here Postgres (a cluster of our own)
 * and the PgBouncer in front of it stop and start again, under load; the
 * same pool must answer within 2 s of both being back, and the API must
 * answer 503 meanwhile.
 * Without PgBouncer every test skips, saying so (CI=true: fails); with all
 * its tests skipped, vitest runs none of the file's hooks either.
 */
const hasPgBouncer = requireOptionalProgram(PGBOUNCER) !== undefined;
const RECOVERY_LIMIT_MS = 2_000;

let own: MigratedCluster;
let bouncer: PgBouncer;
beforeAll(async () => {
  own = await ownMigratedCluster();
  bouncer = await startPgBouncer(own.url);
});
afterAll(async () => {
  await bouncer?.stop();
  await own?.dispose();
});

async function suspend() {
  await bouncer.kill();
  await own.stop();
}
async function resume() {
  await own.start();
  await bouncer.start();
}

it.skipIf(!hasPgBouncer)(
  `the pool through PgBouncer survives a suspend under load and answers within ${RECOVERY_LIMIT_MS} ms of the resume`,
  async () => {
    const outage = await outageUnderLoad(bouncer.url, 6, { away: suspend, back: resume }, 'through PgBouncer, after resume');
    expect(outage.recovery).toBeLessThan(RECOVERY_LIMIT_MS);
    expect(outage.stats.ok).toBeGreaterThan(outage.okWhileAway);
    expect(outage.stats.failed).toBeGreaterThan(0); // queries were cut off
    expect(outage.errors.map((e) => e.message).join('\n')).not.toContain(own.cluster.password);
  },
);

describe.skipIf(!hasPgBouncer)('the API through PgBouncer', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(bouncer.url, { seeded: true });
  });
  afterAll(async () => {
    await app?.close();
  });

  it(`answers 503 with a JSON body while suspended, and 200 again within ${RECOVERY_LIMIT_MS} ms of the resume`, async () => {
    const recovery = await apiOutage(app, { away: suspend, back: resume }, own.cluster.password, 'API through PgBouncer, after resume');
    expect(recovery).toBeLessThan(RECOVERY_LIMIT_MS);
    const responses = await Promise.all(Array.from({ length: 20 }, () => call(app, 'GET', '/authors')));
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
  });
});
