import pg from 'pg';
import { tlsOptions } from '../db/tls.ts';

/** One short-lived connection (TLS as the URL asks), closed whatever `use` does. */
export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const { connectionString, ssl } = tlsOptions(url);
  const client = new pg.Client({ connectionString, ssl: ssl === 'no-verify' ? { rejectUnauthorized: false } : ssl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
