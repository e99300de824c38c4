import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The migrated database each test file clones (see global-setup.ts). */
export const TEMPLATE_DB = 'bookshelf_template';

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function adminQuery(adminUrl: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/**
 * A database of its own for a test: a copy of the migrated template, or an
 * empty one (`{ empty: true }`) for Atlas's dev database and scratch work.
 */
export async function createDatabase(adminUrl: string, { empty = false } = {}): Promise<string> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  // CREATE DATABASE ... TEMPLATE needs the template to have no other sessions;
  // retry briefly in case another file is cloning it right now.
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(adminUrl, `CREATE DATABASE ${name}${empty ? ' TEMPLATE template0' : ` TEMPLATE ${TEMPLATE_DB}`}`);
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return withDatabase(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
