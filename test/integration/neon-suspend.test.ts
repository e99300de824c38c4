import { sql } from '@databases/pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool } from '../../src/db/pool.ts';
import { apiOutage, call, startApp, type TestApp } from '../support/app.ts';
import { ownMigratedCluster, type MigratedCluster } from '../support/cluster.ts';
import { allConnectionsWork, describeLoad, load, outageUnderLoad, sleep, timeUntilSuccess } from '../support/load.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';

/**
 * Neon suspends an idle compute: every backend is terminated (57P01) and the
 * database is away until the next connection wakes it. Here that happens
 * for real, while the app is busy: pg_terminate_backend on all of a
 * database's backends, and a full stop/start of a cluster of our own. The
 * same pool (never recreated) must answer again within 2 s of the database
 * being back, and the API must answer 503 with a JSON body meanwhile.
 */
const RECOVERY_LIMIT_MS = 2_000;

describe('pg_terminate_backend on every backend (what a suspend does to open connections)', () => {
  const adminUrl = inject('adminUrl');
  let url: string;
  beforeAll(async () => {
    url = await createDatabase(adminUrl, { empty: true });
  });
  afterAll(async () => {
    if (url) await dropDatabase(adminUrl, url);
  });

  const terminateAll = async () => {
    const { rows } = await adminQuery(
      adminUrl,
      'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [new URL(url).pathname.slice(1)],
    );
    return rows[0].n as number;
  };

  it('idle connections: the pool drops them, the next queries all succeed', async () => {
    const size = 6;
    const errors: Error[] = [];
    const pool = createPool({ url, size, onError: (error) => errors.push(error) });
    try {
      await allConnectionsWork(pool, size);
      expect(await terminateAll()).toBe(size);
      await sleep(200); // an idle suspend: the connections hear of it before the next request
      await allConnectionsWork(pool, size);
      expect(errors.map((e) => e.message)).toEqual(Array(size).fill('terminating connection due to administrator command'));
    } finally {
      await pool.dispose();
    }
  });

  it(`under load: the same pool answers again within ${RECOVERY_LIMIT_MS} ms`, async () => {
    const size = 6;
    const pool = createPool({ url, size, onError: () => {} });
    const busy = load(pool);
    try {
      await sleep(300);
      expect(await terminateAll()).toBeGreaterThan(0);
      const recovery = await timeUntilSuccess(() => pool.query(sql`SELECT 1`));
      await sleep(300);
      await busy.stop();
      console.log(`after pg_terminate_backend: first success in ${recovery.toFixed(0)} ms; load ${describeLoad(busy)}`);
      expect(recovery).toBeLessThan(RECOVERY_LIMIT_MS);
      expect(busy.stats.ok).toBeGreaterThan(0);
      await allConnectionsWork(pool, size);
    } finally {
      await busy.stop();
      await pool.dispose();
    }
  });
});

describe('the database stops and starts again (pg_ctl stop -m fast / start of a cluster of our own)', () => {
  let own: MigratedCluster;
  beforeAll(async () => {
    own = await ownMigratedCluster();
  });
  afterAll(async () => {
    await own?.dispose();
  });

  it(`the pool survives a restart under load and answers within ${RECOVERY_LIMIT_MS} ms of the database being back`, async () => {
    const outage = await outageUnderLoad(own.url, 6, { away: () => own.stop(), back: () => own.start() }, 'after restart');
    expect(outage.recovery).toBeLessThan(RECOVERY_LIMIT_MS);
    expect(outage.stats.ok).toBeGreaterThan(outage.okWhileAway);
    expect([...outage.stats.codes]).toContain('57P01'); // queries were cut off mid-flight
    expect(outage.errors.map((e) => e.message).join('\n')).not.toContain(own.cluster.password);
  });

  describe('the API', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp(own.url, { seeded: true });
    });
    afterAll(async () => {
      await app?.close();
    });

    it(`answers 503 with a JSON body while the database is away, and 200 again within ${RECOVERY_LIMIT_MS} ms`, async () => {
      const recovery = await apiOutage(app, { away: () => own.stop(), back: () => own.start() }, own.cluster.password, 'API after restart');
      expect(recovery).toBeLessThan(RECOVERY_LIMIT_MS);
      const { status, body } = await call(app, 'GET', '/authors');
      expect(status).toBe(200);
      expect(body.length).toBe(3);
    });
  });
});
