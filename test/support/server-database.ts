import { afterAll, beforeAll, inject } from 'vitest';
import { createDatabase, dropDatabase } from './postgres.ts';

export interface ServerDatabase {
  /** The database's URL (set in beforeAll). */
  readonly url: string;
  /** A server's environment on it: DATABASE_URL, HOST 127.0.0.1, PORT 0 (any free port), then `extra`. */
  env(extra?: Record<string, string>): Record<string, string>;
}

/**
 * The database of its own that a test file starts its servers on (as `npm start`, or src/main.ts in a process of its
 * own): a copy of the migrated template, made in beforeAll and dropped in afterAll.
 */
export function useServerDatabase(): ServerDatabase {
  const adminUrl = inject('adminUrl');
  let url = '';
  beforeAll(async () => {
    url = await createDatabase(adminUrl);
  });
  afterAll(async () => {
    if (url) await dropDatabase(adminUrl, url);
  });
  return {
    get url() {
      return url;
    },
    env: (extra = {}) => ({ DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', ...extra }),
  };
}
