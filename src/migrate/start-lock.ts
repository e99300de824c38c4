import { withClient } from '../postgres/client.ts';

/**
 * One migrating start at a time per database. Several instances started
 * together with MIGRATE_ON_START=1 (a rolling deploy, a scaled-out service)
 * would otherwise run the migration gate at the same time, on the one
 * ATLAS_DEV_URL they share: Atlas locks the dev database for each
 * lint/replay, and the second instance's gate failed with "acquiring
 * database lock: sql/schema: lock is held by other session" and exited
 * (test/integration/many-instances.test.ts found it). So the whole step
 * (judge the pending files, apply them) runs under a session advisory lock
 * on the target database; the others wait for it, then find nothing pending
 * and serve. The lock needs a direct connection: advisory locks do not
 * survive a transaction-mode pooler (use DIRECT_DATABASE_URL on Neon).
 */

/** The lock's key: a fixed number that names "bookshelf migrating on start" (distinct from Atlas's own lock). */
const startLockKey = 7_303_812_345_001n;

export async function whileMigrationLockHeld<T>(url: string, log: (line: string) => void, step: () => Promise<T>): Promise<T> {
  return withClient(url, async (client) => {
    const [{ got }] = (await client.query('SELECT pg_try_advisory_lock($1) AS got', [startLockKey.toString()])).rows as [{ got: boolean }];
    if (!got) {
      log('another instance is migrating this database: waiting for it to finish');
      await client.query('SELECT pg_advisory_lock($1)', [startLockKey.toString()]);
      log('the other instance finished migrating; checking for pending migrations again');
    }
    try {
      return await step();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [startLockKey.toString()]).catch(() => {});
    }
  });
}
