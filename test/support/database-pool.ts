import type { ConnectionPool } from '@databases/pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { createPool } from '../../src/db/pool.ts';
import { createDatabase, dropDatabase } from './postgres.ts';

/**
 * A test file's own migrated database and the app's kind of pool on it,
 * made before the file's tests and dropped after them. Read `.pool` inside
 * a test (it exists once beforeAll has run).
 *
 * @example
 *   const database = databaseWithPool();
 *   it('…', async () => { await seed(database.pool); });
 */
export function databaseWithPool(): { readonly pool: ConnectionPool } {
  const adminUrl = inject('adminUrl');
  let url: string | undefined;
  let pool: ConnectionPool | undefined;
  beforeAll(async () => {
    url = await createDatabase(adminUrl);
    pool = createPool({ url });
  });
  afterAll(async () => {
    await pool?.dispose();
    if (url) await dropDatabase(adminUrl, url);
  });
  return {
    get pool() {
      if (!pool) throw new Error('databaseWithPool: the pool exists only inside tests (after beforeAll)');
      return pool;
    },
  };
}
