import { randomBytes } from 'node:crypto';
import { withClient } from '../../postgres/client.ts';

/**
 * Runs `work` on a throw-away copy of the target database, made on the same
 * server with `CREATE DATABASE <copy> TEMPLATE <target>` and dropped
 * afterwards, whatever happened. Postgres copies a template only while no
 * other session is connected to it, and the role needs CREATEDB: when
 * either is not so, the error says to give a copy instead (--rehearse-on,
 * e.g. a Neon branch, which is a copy-on-write copy of its parent).
 */
export async function withTargetCopy<T>(targetUrl: string, work: (copyUrl: string) => Promise<T>): Promise<T> {
  const target = new URL(targetUrl);
  const database = decodeURIComponent(target.pathname.slice(1));
  if (!database) throw new Error('the target URL names no database');
  const copy = `${database.slice(0, 40)}_rehearsal_${randomBytes(4).toString('hex')}`;
  const maintenance = new URL(targetUrl);
  maintenance.pathname = '/postgres';
  const admin = async (sql: string) => withClient(maintenance.toString(), (client) => client.query(sql));
  try {
    await withClient(maintenance.toString(), async (client) => {
      // Postgres waits 5 s for the template's other sessions before it fails; a session that just closed (our own
      // row counts) can linger for a moment, so try again once more before saying so.
      for (let attempt = 1; ; attempt++) {
        try {
          return await client.query(`CREATE DATABASE ${client.escapeIdentifier(copy)} TEMPLATE ${client.escapeIdentifier(database)}`);
        } catch (error) {
          if ((error as { code?: string }).code !== '55006' || attempt >= 2) throw error;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const why =
      code === '55006'
        ? 'other sessions are connected to it (Postgres copies a database only when it is idle)'
        : code === '42501'
          ? 'the role may not create databases (CREATEDB)'
          : message;
    throw new Error(
      `could not copy the target for the rehearsal: ${why}. Give a copy to rehearse on instead: --rehearse-on <url> (e.g. a Neon branch of the target).`,
      { cause: error },
    );
  }
  const copyUrl = new URL(targetUrl);
  copyUrl.pathname = `/${encodeURIComponent(copy)}`;
  try {
    return await work(copyUrl.toString());
  } finally {
    await admin(`DROP DATABASE IF EXISTS "${copy.replace(/"/g, '""')}" WITH (FORCE)`);
  }
}
