import pg from 'pg';
import { tlsOptions } from './tls.ts';

/** One connection to `url`, with TLS as the URL asks (tls.ts); the caller ends it. */
export async function connectClient(url: string): Promise<pg.Client> {
  const { connectionString, ssl } = tlsOptions(url);
  const client = new pg.Client({ connectionString, ssl: ssl === 'no-verify' ? { rejectUnauthorized: false } : ssl });
  await client.connect();
  return client;
}

/** One short-lived connection (TLS as the URL asks), closed whatever `use` does. */
export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectClient(url);
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
