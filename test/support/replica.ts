import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { embeddedUrl } from '../../src/postgres/embedded.ts';
import { ownCluster, ownMigratedCluster, type MigratedCluster, type OwnCluster } from './cluster.ts';

/**
 * A primary and a real streaming replica of it, both embedded Postgres in
 * temp dirs (NOTES.md: the embedded package has no pg_basebackup). The
 * replica is a copy of the primary's data directory taken while the
 * primary is stopped, with `standby.signal` and `primary_conninfo`; it
 * streams the primary's WAL over a replication connection (initdb's
 * pg_hba.conf allows those from 127.0.0.1; the user is a superuser).
 */
export interface Replicated {
  primary: MigratedCluster;
  replica: OwnCluster & { url: string };
  /** Stops replaying WAL on the replica (it keeps receiving it): lag on demand. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Resolves once the replica has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  dispose(): Promise<void>;
}

async function query(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

export async function replicated(): Promise<Replicated> {
  const primary = await ownMigratedCluster();
  primary.cluster.settings = { ...primary.cluster.settings, max_wal_senders: '5', wal_level: 'replica' };
  let replica: OwnCluster | undefined;
  try {
    const hba = readFileSync(path.join(primary.cluster.dataDir, 'pg_hba.conf'), 'utf8');
    if (!/^host\s+replication\s+all\s+127\.0\.0\.1\/32/m.test(hba)) {
      appendFileSync(path.join(primary.cluster.dataDir, 'pg_hba.conf'), `\nhost replication all 127.0.0.1/32 scram-sha-256\n`);
    }
    await primary.stop();
    replica = await ownCluster({ password: primary.cluster.password });
    // cp -a keeps the owner (postgres, when the tests run as root) and the 0700 mode Postgres insists on.
    execFileSync('cp', ['-a', primary.cluster.dataDir, replica.cluster.dataDir]);
    for (const leftover of ['postmaster.pid', 'postmaster.opts']) rmSync(path.join(replica.cluster.dataDir, leftover), { force: true });
    const signal = path.join(replica.cluster.dataDir, 'standby.signal');
    writeFileSync(signal, '');
    const conninfo = `host=127.0.0.1 port=${primary.cluster.port} user=${primary.cluster.user} password=${primary.cluster.password} application_name=bookshelf_test_replica`;
    appendFileSync(path.join(replica.cluster.dataDir, 'postgresql.auto.conf'), `primary_conninfo = '${conninfo}'\n`);
    if (existsSync(path.join(primary.cluster.dataDir, 'PG_VERSION')))
      execFileSync('chown', ['--reference', primary.cluster.dataDir, signal]);
    await primary.start();
    await replica.start();
    const replicaUrl = embeddedUrl(replica.cluster, 'bookshelf');
    const result: Replicated = {
      primary,
      replica: { ...replica, url: replicaUrl },
      pauseReplay: async () => void (await query(replicaUrl, 'SELECT pg_wal_replay_pause()')),
      resumeReplay: async () => void (await query(replicaUrl, 'SELECT pg_wal_replay_resume()')),
      async caughtUp(timeoutMs = 30_000) {
        const { rows } = await query(primary.url, 'SELECT pg_current_wal_lsn()::text AS lsn');
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
          const replayed = await query(replicaUrl, `SELECT pg_last_wal_replay_lsn() >= '${rows[0].lsn}'::pg_lsn AS ok`).catch(
            () => undefined,
          );
          if (replayed?.rows[0].ok) return;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error(`the replica did not replay ${rows[0].lsn} within ${timeoutMs} ms`);
      },
      dispose: async () => {
        await replica!.dispose().catch(() => {});
        await primary.dispose();
      },
    };
    await result.caughtUp();
    return result;
  } catch (error) {
    await replica?.dispose().catch(() => {});
    await primary.dispose();
    throw error;
  }
}
