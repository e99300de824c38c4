import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.ts';
import { findProgram, missingProgramMessage, PGBOUNCER } from './optional-program.ts';

/**
 * PgBouncer (Debian's package, `apt-get install pgbouncer`; .ci/run installs
 * it; a suite that uses it skips without it: requireOptionalProgram(PGBOUNCER))
 * in front of one database, set up like Neon's pooled endpoint: transaction
 * pooling, SCRAM, a small server pool shared by many clients, and NO
 * `ignore_startup_parameters`: a client that sends a startup parameter
 * PgBouncer does not track (statement_timeout, options, ...) is refused, as
 * Neon refuses it. Runs in the foreground as a child process (as the
 * `postgres` user when we are root: PgBouncer will not run as root).
 * `kill()` + `start()` take it away and back, as a suspended Neon compute
 * takes its pooler with it; `stop()` ends it and deletes its temp dir.
 *
 * Left at PgBouncer's defaults on purpose: server_login_retry (15 s) means a
 * PgBouncer that stays up while Postgres restarts behind it serves again
 * only ~15 s later; that is PgBouncer's behaviour, not the app's.
 */
export interface PgBouncer {
  /** The pooled URL: same user, password and database name as the target. */
  url: string;
  /** Server connections PgBouncer opens per user+database. */
  serverPoolSize: number;
  /** PgBouncer's log so far (for failure messages). */
  log(): string;
  /** Ends the process (immediate shutdown: clients are cut off), keeps its files. */
  kill(): Promise<void>;
  /** Starts it again on the same port; resolves once it accepts clients. */
  start(): Promise<void>;
  /** Ends it and deletes its temp dir (afterAll). */
  stop(): Promise<void>;
}

function runAs(): { uid: number; gid: number } | Record<string, never> {
  if (userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** `target`: a postgres:// URL of the database to pool (plain TCP, 127.0.0.1). */
export async function startPgBouncer(target: string, { serverPoolSize = 4 } = {}): Promise<PgBouncer> {
  const executable = findProgram(PGBOUNCER);
  if (!executable) throw new Error(missingProgramMessage(PGBOUNCER));
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

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = '';
  const log = () => {
    let text = output;
    try {
      text += readFileSync(file('pgbouncer.log'), 'utf8');
    } catch {
      /* not written yet */
    }
    return text;
  };
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const kill = async () => {
    if (running()) {
      child!.kill('SIGTERM'); // immediate shutdown
      await exited;
    }
  };
  const stop = async () => {
    await kill();
    rmSync(dir, { recursive: true, force: true });
  };

  const url = new URL(target);
  url.port = String(listenPort);
  url.hostname = '127.0.0.1';

  const start = async () => {
    if (running()) return;
    const launched = spawn(executable, [file('pgbouncer.ini')], { ...runAs(), stdio: ['ignore', 'pipe', 'pipe'] });
    child = launched;
    launched.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launched.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launched.once('error', (error) => (output += `\n${error.message}`));
    exited = new Promise<void>((resolve) => launched.once('exit', () => resolve()));
    // Ready when a client gets through to the database.
    for (const started = Date.now(); ;) {
      if (launched.exitCode !== null) throw new Error(`pgbouncer exited (${launched.exitCode}):\n${log()}`);
      const client = new pg.Client({ connectionString: url.toString() });
      client.on('error', () => {});
      try {
        await client.connect();
        await client.query('SELECT 1');
        await client.end();
        return;
      } catch (error) {
        await client.end().catch(() => {});
        if (Date.now() - started > 15_000)
          throw new Error(`pgbouncer did not come up: ${(error as Error).message}\n${log()}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  try {
    await start();
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: url.toString(), serverPoolSize, log, kill, start, stop };
}
