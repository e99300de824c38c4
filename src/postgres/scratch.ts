import { connectClient } from './client.ts';
import { dropDatabaseWideObjects } from '../postgres/database-wide-objects.ts';

/**
 * Empties a scratch database (Atlas's dev database) so that Atlas accepts it:
 * every schema but the system ones is dropped, and `public` made anew.
 * Refuses a database that looks like it holds data: a safety net against a
 * dev URL pasted where the app URL belongs.
 */
export async function resetScratchDatabase(url: string): Promise<void> {
  const client = await connectClient(url);
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT nspname AS name FROM pg_namespace
        WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`,
    );
    const populated = await client.query<{ n: string }>(
      `SELECT coalesce(sum(n_live_tup), 0) AS n FROM pg_stat_user_tables WHERE relname <> 'atlas_schema_revisions'`,
    );
    if (Number(populated.rows[0]?.n ?? 0) > 1000) {
      throw new Error(`Refusing to wipe ${client.database}: it holds data. The Atlas dev database must be a scratch database.`);
    }
    await dropDatabaseWideObjects(client); // event triggers first: one could fire on the DROP SCHEMAs
    for (const { name } of rows) await client.query(`DROP SCHEMA ${client.escapeIdentifier(name)} CASCADE`);
    await client.query('CREATE SCHEMA public');
  } finally {
    await client.end();
  }
}

/**
 * Runs `work` on the scratch database emptied first, and empties it again
 * afterwards, whatever happened: Atlas drops only what it knows (tables,
 * enums), so a failed or partial run would otherwise leave functions,
 * domains or sequences behind for the next command to trip over.
 */
export async function onEmptyScratchDatabase<T>(url: string, work: () => Promise<T>): Promise<T> {
  await resetScratchDatabase(url);
  try {
    return await work();
  } finally {
    await resetScratchDatabase(url);
  }
}
