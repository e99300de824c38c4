import { fork, type ChildProcess } from 'node:child_process';
import { build } from 'esbuild';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/free-port.ts';

/**
 * The servers under test, each in its own Node process, so none shares an
 * event loop with the load generator or with another. Each is bundled with
 * esbuild and run by plain node, as `npm start` runs ours (npm run build).
 */
/**
 * `ours-metrics`: ours with Prometheus metrics on (METRICS_PORT), to measure what they cost.
 * `bare-named`: the bare floor with named prepared statements (bare's are unnamed).
 * In the table's order.
 */
export const serverNames = ['ours', 'ours-metrics', 'framework', 'bare', 'bare-named', 'drizzle', 'fastify'] as const;
export type ServerName = (typeof serverNames)[number];

/** The servers that write a request log (pino both): ours and the Fastify peer. The others' stdout is /dev/null. */
export const logsRequests = (name: ServerName) => name.startsWith('ours') || name === 'fastify';

export interface BenchServer {
  name: ServerName;
  url: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

export interface StartOptions {
  databaseUrl: string;
  /** Where the request log goes (its stdout, as `npm start > file`) if the server writes one (logsRequests). */
  logFile: string;
  poolSize: number;
  /** Extra node flags, e.g. --cpu-prof. */
  execArgv?: string[];
}

export async function startServer(name: ServerName, { databaseUrl, logFile, poolSize, execArgv = [] }: StartOptions): Promise<BenchServer> {
  const port = await freePort();
  const out = openSync(logsRequests(name) ? logFile : '/dev/null', 'a');
  const bundle = path.join(here, '..', '..', '.test-output', 'bench', `${name}.mjs`);
  await build({
    entryPoints: [path.join(here, 'servers', `${name}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    target: 'node20',
    outfile: bundle,
    logLevel: 'warning',
  });
  const child = fork(bundle, [], {
    execArgv,
    stdio: ['ignore', out, 'inherit', 'ipc'],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      ALLOW_ANONYMOUS_WRITES: '1', // the bench's own database; writes are the floors' too
      DATABASE_POOL_SIZE: String(poolSize),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      // Ours' own memory setting (src/config/heap.ts), to compare values in one run.
      ...(name.startsWith('ours') && process.env.HEAP_GROWTH_PERCENT ? { HEAP_GROWTH_PERCENT: process.env.HEAP_GROWTH_PERCENT } : {}),
      ...(name === 'ours-metrics' ? { METRICS_PORT: '0' } : {}),
    },
  });
  closeSync(out);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} server did not start in 60 s`)), 60_000);
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} server exited with ${code} before listening`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Asks a bench server where its memory is (see servers/bench-ipc.ts). */
export function probeMemory(server: BenchServer): Promise<unknown> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 5_000);
    const onMessage = (message: { memory?: unknown }) => {
      if (!message?.memory) return;
      clearTimeout(timer);
      server.child.off('message', onMessage);
      resolve(message.memory);
    };
    server.child.on('message', onMessage);
    server.child.send({ memory: true });
  });
}

/** Resident memory of a process, in MB, from /proc (VmRSS now, VmHWM = peak so far). */
export function memoryOf(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Samples a process' RSS every `everyMs` until stopped; returns the peak (MB). */
export function sampleRss(pid: number, everyMs = 100): () => number {
  let peak = 0;
  const sample = () => {
    const memory = memoryOf(pid);
    if (memory && memory.rss > peak) peak = memory.rss;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return () => {
    clearInterval(timer);
    sample();
    return peak;
  };
}

/** Read and write system calls a process has made so far (/proc/<pid>/io; readable for our own children). */
export function syscallsOf(pid: number): { reads: number; writes: number } {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)`, 'm').exec(io)?.[1] ?? NaN);
    return { reads: field('syscr'), writes: field('syscw') };
  } catch {
    return { reads: NaN, writes: NaN };
  }
}
