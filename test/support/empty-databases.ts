import { afterAll, beforeAll, inject } from 'vitest';
import { createDatabase, dropDatabase } from './postgres.ts';

/**
 * `count` empty databases on the suite's Postgres for the tests of one file:
 * made before them, dropped after them. The URLs are filled in by the time
 * a test runs.
 *
 * @example
 *   const databases = useEmptyDatabases(2);
 *   it('…', async () => {
 *     const [url, dev] = databases.urls;
 *   });
 */
export function useEmptyDatabases(count: number): { urls: string[] } {
  const adminUrl = inject('adminUrl');
  const made = { urls: [] as string[] };
  beforeAll(async () => {
    for (let i = 0; i < count; i++) made.urls.push(await createDatabase(adminUrl, { empty: true }));
  });
  afterAll(async () => {
    for (const url of made.urls) await dropDatabase(adminUrl, url);
  });
  return made;
}
