import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.ts';

/**
 * PgBouncer (Debian's package, `apt-get install pgbouncer`; .ci/run installs
 * it) in front of one database, set up like Neon's pooled endpoint:
 * transaction pooling, SCRAM, a small server pool shared by many clients,
 * and NO `ignore_startup_parameters`: a client that sends a startup
 * parameter PgBouncer does not track (statement_timeout, options, ...) is
 * refused, as Neon refuses it. Runs in the foreground as a child process
 * (as the `postgres` user when we are root: PgBouncer will not run as root);
 * `stop()` ends it and deletes its temp dir.
 */
export interface PgBouncer {
  /** The pooled URL: same user, password and database name as the target. */
  url: string;
  /** Server connections PgBouncer opens per user+database. */
  serverPoolSize: number;
  /** PgBouncer's log so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

function runAs(): { uid: number; gid: number } | Record<string, never> {
  if (userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** `target`: a postgres:// URL of the database to pool (plain TCP, 127.0.0.1). */
export async function startPgBouncer(target: string, { serverPoolSize = 4 } = {}): Promise<PgBouncer> {
  const { hostname, port, username, password, pathname } = new URL(target);
  const database = decodeURIComponent(pathname.slice(1));
  const user = decodeURIComponent(username);
  const dir = mkdtempSync(path.join(tmpdir(), 'bookshelf-pgbouncer-'));
  chmodSync(dir, 0o777); // PgBouncer writes its log here as `postgres`
  const listenPort = await freePort();
  const file = (name: string) => path.join(dir, name);
  const quoted = (value: string) => `"${value.replace(/"/g, '""')}"`;
  writeFileSync(file('userlist.txt'), `${quoted(user)} ${quoted(decodeURIComponent(password))}\n`, { mode: 0o644 });
  writeFileSync(
    file('pgbouncer.ini'),
    `[databases]
${database} = host=${hostname} port=${port || 5432} dbname=${database}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${listenPort}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = ${file('userlist.txt')}
pool_mode = transaction
default_pool_size = ${serverPoolSize}
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 500
server_tls_sslmode = disable
logfile = ${file('pgbouncer.log')}
log_connections = 0
log_disconnections = 0
`,
    { mode: 0o644 },
  );

  const child: ChildProcess = spawn('pgbouncer', [file('pgbouncer.ini')], { ...runAs(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (error) => (output += `\n${error.message}`));
  const log = () => {
    let text = output;
    try {
      text += readFileSync(file('pgbouncer.log'), 'utf8');
    } catch {
      /* not written yet */
    }
    return text;
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM'); // immediate shutdown
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const url = new URL(target);
  url.port = String(listenPort);
  url.hostname = '127.0.0.1';
  // Ready when a client gets through to the database.
  for (const started = Date.now(); ; ) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`pgbouncer exited (${child.exitCode}):\n${log()}`);
    }
    const client = new pg.Client({ connectionString: url.toString() });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() - started > 15_000) {
        await stop();
        throw new Error(`pgbouncer did not come up: ${(error as Error).message}\n${log()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { url: url.toString(), serverPoolSize, log, stop };
}
