import { mkdirSync, readdirSync, readFileSync, truncateSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../src/atlas/locate.mjs';
import { summariseProfile } from './cpuprofile.ts';
import { authorIds, growToLargeDataSet, startBenchDatabase, type BenchDatabase } from './database.ts';
import { load } from './load.ts';
import { summarise, table, targetLines, targets, writeReport, type Endpoint, type Measurement } from './report.ts';
import { cpuMsOf, memoryOf, probeMemory, sampleRss, syscallsOf, serverNames, startServer, type BenchServer } from './servers.ts';

/**
 * `npm run bench`: ours vs a minimal Express + pg floor vs a node:http + pg
 * floor, over the same fresh database, on the guide's seed data and then on
 * a large generated set. Interleaved rounds, order rotated; medians.
 *
 * Env: BENCH_SECONDS (10) BENCH_ROUNDS (3) BENCH_CONNECTIONS (32)
 *      BENCH_WARMUP (2 s per server × endpoint) BENCH_POOL (10, every server's pool)
 *      BENCH_AUTHORS (100000) BENCH_BOOKS (1000000)
 *      BENCH_SERVERS (ours,framework,bare) BENCH_DATASETS (seed,large)
 *      BENCH_NODE_FLAGS (none; node flags for every server, e.g. --max-semi-space-size=4)
 *      BENCH_PROFILE (0; N > 0: afterwards, N s per endpoint of ours under --cpu-prof)
 *      BENCH_PROFILE_SERVER (ours; or framework, bare: profile a floor instead)
 */
const int = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
};
const list = <T extends string>(name: string, all: readonly T[]): T[] => {
  const wanted = (process.env[name] ?? all.join(',')).split(',').map((s) => s.trim());
  const bad = wanted.filter((w) => !all.includes(w as T));
  if (bad.length) throw new Error(`${name}: unknown ${bad.join(', ')} (choose from ${all.join(', ')})`);
  return all.filter((a) => wanted.includes(a));
};

const settings = {
  seconds: int('BENCH_SECONDS', 10),
  rounds: int('BENCH_ROUNDS', 3),
  connections: int('BENCH_CONNECTIONS', 32),
  warmup: int('BENCH_WARMUP', 2),
  pool: int('BENCH_POOL', 10),
  authors: int('BENCH_AUTHORS', 100_000),
  books: int('BENCH_BOOKS', 1_000_000),
  servers: list('BENCH_SERVERS', serverNames),
  dataSets: list('BENCH_DATASETS', ['seed', 'large'] as const),
  /** Extra node flags for every server (e.g. --max-semi-space-size=4). */
  nodeFlags: (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
  profile: int('BENCH_PROFILE', 0),
  profileServer: list('BENCH_PROFILE_SERVER', serverNames)[0] ?? 'ours',
  node: process.version,
  cpus: cpus().length,
  loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
};

const startedAt = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const endpoints: Endpoint[] = ['GET /authors', 'GET /books/{author_id}'];
const outputDir = path.join(repoRoot, '.test-output');

function pathsFor(endpoint: Endpoint, ids: number[]): () => string {
  if (endpoint === 'GET /authors') return () => '/authors';
  // Every request asks for some author's books, spread over all of them.
  let i = 0;
  return () => `/books/${ids[(i++ * 7919) % ids.length]}`;
}

/** Every server answers both endpoints with the same number of rows. */
async function checkAnswers(servers: BenchServer[], ids: number[]) {
  for (const endpoint of endpoints) {
    const p = endpoint === 'GET /authors' ? '/authors' : `/books/${ids[0]}`;
    const shapes = await Promise.all(
      servers.map(async (s) => {
        const response = await fetch(s.url + p);
        const text = await response.text();
        if (response.status !== 200) throw new Error(`${s.name} ${p}: ${response.status} ${text.slice(0, 200)}`);
        return `${s.name}: ${(JSON.parse(text) as unknown[]).length} rows, ${text.length} B`;
      }),
    );
    log(`  ${p} → ${shapes.join('; ')}`);
  }
}

async function main() {
  log(`settings: ${JSON.stringify(settings)}`);
  const measurements: Measurement[] = [];
  const servers: BenchServer[] = [];
  let database: BenchDatabase | undefined;
  let profileText: string | undefined;
  const cleanUp = async () => {
    await Promise.allSettled(servers.map((s) => s.stop()));
    await database?.dispose();
  };
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));

  try {
    database = await startBenchDatabase(log);
    const logFile = path.join(database.dir, 'ours.log');
    const serverOptions = { databaseUrl: database.url, logFile, poolSize: settings.pool, execArgv: settings.nodeFlags };
    for (const name of settings.servers) {
      servers.push(await startServer(name, serverOptions));
      log(`${name} server up at ${servers.at(-1)!.url} (pid ${servers.at(-1)!.pid})`);
    }

    for (const dataSet of settings.dataSets) {
      if (dataSet === 'large') await growToLargeDataSet(database.pool, settings, log);
      const ids = await authorIds(database.pool);
      log(`data set "${dataSet}": /books/{author_id} rotates over ${ids.length.toLocaleString('en')} authors`);
      await checkAnswers(servers, ids);

      const run = async (server: BenchServer, endpoint: Endpoint, seconds: number) => {
        const stopSampling = sampleRss(server.pid);
        const cpuBefore = cpuMsOf(server.pid);
        const syscallsBefore = syscallsOf(server.pid);
        const result = await load({ url: server.url, nextPath: pathsFor(endpoint, ids), connections: settings.connections, seconds });
        const cpuUs = ((cpuMsOf(server.pid) - cpuBefore) * 1000) / Math.max(1, result.requests);
        const syscallsAfter = syscallsOf(server.pid);
        const perRequest = (n: number) => n / Math.max(1, result.requests);
        const syscalls = {
          reads: perRequest(syscallsAfter.reads - syscallsBefore.reads),
          writes: perRequest(syscallsAfter.writes - syscallsBefore.writes),
        };
        const rss = stopSampling();
        let logLines: number | undefined;
        if (server.name === 'ours') {
          const text = readFileSync(logFile, 'utf8');
          logLines = text.length ? text.split('\n').length - 1 : 0;
          truncateSync(logFile);
        }
        return { ...result, rss, cpuUs, syscalls, logLines };
      };

      for (const server of servers) for (const endpoint of endpoints) if (settings.warmup) await run(server, endpoint, settings.warmup);
      log(`warmed up (${settings.warmup} s per server × endpoint)`);

      for (let round = 0; round < settings.rounds; round++) {
        for (const [e, endpoint] of endpoints.entries()) {
          const shift = (round + e) % servers.length;
          const order = [...servers.slice(shift), ...servers.slice(0, shift)];
          for (const server of order) {
            const { logLines, syscalls, ...result } = await run(server, endpoint, settings.seconds);
            measurements.push({ dataSet, endpoint, server: server.name, round, ...result });
            log(
              `${dataSet} r${round + 1} ${endpoint.padEnd(22)} ${server.name.padEnd(9)} ${result.rps.toFixed(0).padStart(6)} req/s` +
                `  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms  rss ${result.rss.toFixed(0)} MB  cpu ${result.cpuUs.toFixed(0)} µs/req` +
                `  syscalls/req ${syscalls.reads.toFixed(2)} r ${syscalls.writes.toFixed(2)} w` +
                (result.errors || result.non2xx ? `  errors ${result.errors} non-2xx ${result.non2xx}` : '') +
                (logLines === undefined ? '' : `  (${logLines} log lines)`),
            );
          }
        }
      }
    }
    for (const server of servers) {
      log(`${server.name}: VmHWM ${memoryOf(server.pid)?.hwm.toFixed(0)} MB; now ${JSON.stringify(await probeMemory(server))}`);
    }

    if (settings.profile > 0) {
      const profileDir = path.join(outputDir, 'profile');
      mkdirSync(profileDir, { recursive: true });
      const profiled = await startServer(settings.profileServer, { ...serverOptions, execArgv: [...settings.nodeFlags, '--cpu-prof', `--cpu-prof-dir=${profileDir}`] });
      const before = new Set(readdirSync(profileDir));
      const ids = await authorIds(database.pool);
      let requests = 0;
      for (const endpoint of endpoints) {
        const result = await load({ url: profiled.url, nextPath: pathsFor(endpoint, ids), connections: settings.connections, seconds: settings.profile });
        requests += result.requests;
      }
      await profiled.stop();
      const written = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
      if (written) {
        profileText = `${path.join('.test-output/profile', written)}\n${summariseProfile(path.join(profileDir, written), 25, requests)}`;
        log(`profile of ${settings.profileServer} under load (${settings.profile} s per endpoint):\n${profileText}`);
      } else log('no .cpuprofile was written');
    }
  } finally {
    await cleanUp();
  }

  const summaries = summarise(measurements);
  const checked = targets(summaries);
  const finalSettings = { ...settings, loadAverageAtEnd: loadavg().map((l) => Number(l.toFixed(2))), totalSeconds: Math.round((performance.now() - startedAt) / 1000) };
  console.log(`\n${table(summaries)}\n\nTargets:\n${targetLines(checked)}\n`);
  writeReport(outputDir, { settings: finalSettings, measurements, summaries, targets: checked, ...(profileText ? { profile: profileText } : {}) });
  log(`wrote .test-output/bench.md and .test-output/bench.json (${finalSettings.totalSeconds} s in all)`);
}

await main();
