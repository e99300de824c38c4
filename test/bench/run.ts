import { mkdirSync, readdirSync, readFileSync, truncateSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../src/project/paths.mjs';
import { processCpuSeconds } from './cpu.ts';
import { startCpuSplit } from './cpu-split.ts';
import { summariseProfile } from './cpuprofile.ts';
import { authorIds, growToLargeDataSet, lastBookId, removeBooksAfter, startBenchDatabase, type BenchDatabase } from './database.ts';
import { chooseGenerator } from './generator.ts';
import {
  ratioSections,
  summarise,
  table,
  targetLines,
  targets,
  untargetedHeading,
  untargetedServers,
  untargetedEndpoints,
  unloadedServers,
  writeReport,
  type Measurement,
} from './report.ts';
import {
  logsRequests,
  memoryOf,
  probeMemory,
  sampleRss,
  serverNames,
  startServer,
  syscallsOf,
  type BenchServer,
  type ServerName,
} from './servers.ts';
import { defaultVerdictLimits, verdictRefusals } from './verdict.ts';
import { benchBookTitle, chooseEndpoints, compareReads, generatedEndpoints, readPath, workloadFor, type Endpoint } from './workload.ts';

/**
 * `npm run bench`: ours vs a minimal Express + pg floor vs two node:http + pg
 * floors (queries unnamed, named) vs an Express + Drizzle ORM peer vs a
 * Fastify 5 peer, over the same fresh database, on
 * the guide's seed data and then on a large generated set; the guide's two
 * reads and POST /books. Load from wrk (else autocannon, with a warning).
 * Interleaved rounds, order rotated; medians; the CPU split of every run;
 * no verdict when the machine or the generator, not the servers, set the pace.
 * Each round ends with ours' by-author read (and ours-metrics') on one
 * connection: the read's own latency, which its large-over-seed p50 target
 * compares (report.ts `targets`).
 *
 * Env: BENCH_SECONDS (6) BENCH_ROUNDS (5) BENCH_CONNECTIONS (32)
 *      BENCH_WARMUP (2 s per server × endpoint) BENCH_POOL (10, every server's pool)
 *      BENCH_AUTHORS (100000) BENCH_BOOKS (1000000)
 *      BENCH_SERVERS (ours,ours-metrics,framework,bare,bare-named,drizzle,fastify) BENCH_DATASETS (seed,large)
 *      BENCH_ENDPOINTS (GET /authors,GET /books/{author_id},POST /books; also GET /authors/{id},GET /books?author_id={id},
 *        which ours serves from a resource declaration: workload.ts)
 *      BENCH_GENERATOR (wrk; autocannon to compare) BENCH_WRK (a wrk binary; default: wrk on PATH)
 *      BENCH_MAX_LOAD (cores / 2: 1-minute load average before the run)
 *      BENCH_MAX_GENERATOR_CPU (0.9 cores) BENCH_MAX_MACHINE_BUSY (0.97) BENCH_MAX_OTHERS_CPU (0.2 cores)
 *      BENCH_NODE_FLAGS (none; node flags for every server, e.g. --max-semi-space-size=4)
 *      BENCH_PROFILE (0; N > 0: afterwards, N s per endpoint of BENCH_ENDPOINTS of ours under --cpu-prof)
 *      BENCH_PROFILE_SERVER (ours; or any other of BENCH_SERVERS' names, e.g. fastify: profile another instead)
 */
const loadAtStart = loadavg()[0]!;
const number = (name: string, fallback: number) => {
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

const defaults = defaultVerdictLimits(cpus().length);
const settings = {
  seconds: number('BENCH_SECONDS', 6),
  rounds: number('BENCH_ROUNDS', 5),
  connections: number('BENCH_CONNECTIONS', 32),
  warmup: number('BENCH_WARMUP', 2),
  pool: number('BENCH_POOL', 10),
  authors: number('BENCH_AUTHORS', 100_000),
  books: number('BENCH_BOOKS', 1_000_000),
  servers: list('BENCH_SERVERS', serverNames),
  dataSets: list('BENCH_DATASETS', ['seed', 'large'] as const),
  endpoints: chooseEndpoints(process.env.BENCH_ENDPOINTS),
  verdictLimits: {
    maxLoadAtStart: number('BENCH_MAX_LOAD', defaults.maxLoadAtStart),
    maxGeneratorCores: number('BENCH_MAX_GENERATOR_CPU', defaults.maxGeneratorCores),
    maxMachineBusy: number('BENCH_MAX_MACHINE_BUSY', defaults.maxMachineBusy),
    maxOthersCores: number('BENCH_MAX_OTHERS_CPU', defaults.maxOthersCores),
  },
  /** Extra node flags for every server (e.g. --max-semi-space-size=4). */
  nodeFlags: (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
  profile: number('BENCH_PROFILE', 0),
  profileServer: list('BENCH_PROFILE_SERVER', serverNames)[0] ?? 'ours',
  node: process.version,
  cpus: cpus().length,
  loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
};

const startedAt = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${line}`);
/** The reads the pre-check asks every server for: the guide's two always, the generated engine's when measured. */
const readEndpoints = [
  'GET /authors',
  'GET /books/{author_id}',
  ...generatedEndpoints.filter((endpoint) => settings.endpoints.includes(endpoint)),
] as Exclude<Endpoint, 'POST /books'>[];
const outputDir = path.join(repoRoot, '.test-output');
const scratchDir = path.join(outputDir, 'bench');
mkdirSync(scratchDir, { recursive: true });
const generator = chooseGenerator(scratchDir, (line) => console.warn(line));

/**
 * Every server answers each read (workload.ts: compareReads) with the same rows and fields, the floors and peers with
 * the same JSON text (ours writes its own, from Postgres), and creates a book (removed again).
 */
async function checkAnswers(servers: BenchServer[], database: BenchDatabase, ids: number[]) {
  for (const endpoint of readEndpoints) {
    const p = readPath(endpoint, ids[0]!);
    const answers = await Promise.all(
      servers.map(async (s) => {
        const response = await fetch(s.url + p);
        return { server: s.name, status: response.status, text: await response.text() };
      }),
    );
    const compared = compareReads(p, answers);
    if ('problem' in compared) throw new Error(compared.problem);
    log(`  ${compared.summary}`);
  }
  const before = await lastBookId(database.pool);
  const created = await Promise.all(
    servers.map(async (s) => {
      const response = await fetch(s.url + '/books', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: benchBookTitle, author_id: ids[0] }),
      });
      const text = await response.text();
      const book =
        response.status === 201 ? (JSON.parse(text) as { id?: number; title?: string; author_id?: number; created_at?: string }) : {};
      if (response.status !== 201 || book.title !== benchBookTitle || book.author_id !== ids[0] || !book.id || !book.created_at) {
        throw new Error(`${s.name} POST /books: ${response.status} ${text.slice(0, 200)}`);
      }
      return `${s.name}: ${response.status}, ${Object.keys(book).join(',')}`;
    }),
  );
  await removeBooksAfter(database.pool, before);
  log(`  POST /books → ${created.join('; ')}`);
}

async function main() {
  log(`settings: ${JSON.stringify(settings)}`);
  log(`load generator: ${generator.description}; load average before the run ${loadAtStart.toFixed(2)} on ${settings.cpus} cores`);
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
    const db = database;
    const logFileOf = (name: ServerName) => path.join(db.dir, `${name}.log`);
    const serverOptions = { databaseUrl: db.url, poolSize: settings.pool, execArgv: settings.nodeFlags };
    for (const name of settings.servers) {
      servers.push(await startServer(name, { ...serverOptions, logFile: logFileOf(name) }));
      log(`${name} server up at ${servers.at(-1)!.url} (pid ${servers.at(-1)!.pid})`);
    }

    for (const dataSet of settings.dataSets) {
      if (dataSet === 'large') await growToLargeDataSet(db.pool, settings, log);
      const ids = await authorIds(db.pool);
      log(`data set "${dataSet}": /books/{author_id} and POST /books rotate over ${ids.length.toLocaleString('en')} authors`);
      await checkAnswers(servers, db, ids);
      const workloads = new Map(settings.endpoints.map((e) => [e, workloadFor(e, ids)]));

      const run = async (server: BenchServer, endpoint: Endpoint, seconds: number, connections = settings.connections) => {
        const booksBefore = endpoint === 'POST /books' ? await lastBookId(db.pool) : undefined;
        const stopSampling = sampleRss(server.pid);
        const cpuBefore = processCpuSeconds(server.pid);
        const syscallsBefore = syscallsOf(server.pid);
        const stopCpuSplit = startCpuSplit({
          server: server.pid,
          postgres: db.postmasterPid,
          otherServers: servers.filter((s) => s !== server).map((s) => s.pid),
          generatorInProcess: generator.inProcess,
        });
        const result = await generator.run({
          url: server.url,
          requests: workloads.get(endpoint)!,
          connections,
          seconds,
        });
        const cpu = stopCpuSplit();
        const cpuUs = ((processCpuSeconds(server.pid) - cpuBefore) * 1e6) / Math.max(1, result.requests);
        const syscallsAfter = syscallsOf(server.pid);
        const perRequest = (n: number) => n / Math.max(1, result.requests);
        const syscalls = {
          reads: perRequest(syscallsAfter.reads - syscallsBefore.reads),
          writes: perRequest(syscallsAfter.writes - syscallsBefore.writes),
        };
        const rss = stopSampling();
        let logLines: number | undefined;
        if (logsRequests(server.name)) {
          const text = readFileSync(logFileOf(server.name), 'utf8');
          logLines = text.length ? text.split('\n').length - 1 : 0;
          truncateSync(logFileOf(server.name));
        }
        // Creates are undone, so every round reads the same rows (see database.ts).
        const removed = booksBefore === undefined ? undefined : await removeBooksAfter(db.pool, booksBefore);
        return { ...result, rss, cpuUs, cpu, syscalls, logLines, removed };
      };

      for (const server of servers)
        for (const endpoint of settings.endpoints) if (settings.warmup) await run(server, endpoint, settings.warmup);
      log(`warmed up (${settings.warmup} s per server × endpoint)`);

      const measure = async (round: number, server: BenchServer, endpoint: Endpoint, unloaded: boolean) => {
        const { logLines, syscalls, removed, ...result } = await run(server, endpoint, settings.seconds, unloaded ? 1 : undefined);
        measurements.push({
          dataSet,
          endpoint,
          server: server.name,
          round,
          generator: generator.name,
          ...result,
          ...(unloaded ? { unloaded } : {}),
        });
        const { cpu } = result;
        log(
          `${dataSet} r${round + 1} ${(unloaded ? `${endpoint} (1 conn)` : endpoint).padEnd(22)} ${server.name.padEnd(9)} ${result.rps.toFixed(0).padStart(6)} req/s` +
            `  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms  rss ${result.rss.toFixed(0)} MB  cpu ${result.cpuUs.toFixed(0)} µs/req` +
            `  cores: server ${cpu.server.toFixed(2)} pg ${cpu.postgres.toFixed(2)} gen ${cpu.generator.toFixed(2)} others ${cpu.others.toFixed(2)} (machine ${(cpu.machine * 100).toFixed(0)}%)` +
            `  syscalls/req ${syscalls.reads.toFixed(2)} r ${syscalls.writes.toFixed(2)} w` +
            (result.errors || result.non2xx ? `  errors ${result.errors} non-2xx ${result.non2xx}` : '') +
            (logLines === undefined ? '' : `  (${logLines} log lines)`) +
            (removed === undefined ? '' : `  (${removed} books created, removed)`),
        );
      };
      for (let round = 0; round < settings.rounds; round++) {
        for (const [e, endpoint] of settings.endpoints.entries()) {
          const shift = (round + e) % servers.length;
          const order = [...servers.slice(shift), ...servers.slice(0, shift)];
          for (const server of order) await measure(round, server, endpoint, false);
        }
        // The by-author read's own latency, one connection and no queue: what its p50 target compares (report.ts).
        if (settings.endpoints.includes('GET /books/{author_id}'))
          for (const server of servers.filter((s) => unloadedServers.includes(s.name)))
            await measure(round, server, 'GET /books/{author_id}', true);
      }
    }
    for (const server of servers) {
      log(`${server.name}: VmHWM ${memoryOf(server.pid)?.hwm.toFixed(0)} MB; now ${JSON.stringify(await probeMemory(server))}`);
    }

    if (settings.profile > 0) {
      const profileDir = path.join(outputDir, 'profile');
      mkdirSync(profileDir, { recursive: true });
      const profiled = await startServer(settings.profileServer, {
        ...serverOptions,
        logFile: logFileOf(settings.profileServer),
        execArgv: [...settings.nodeFlags, '--cpu-prof', `--cpu-prof-dir=${profileDir}`],
      });
      const before = new Set(readdirSync(profileDir));
      const ids = await authorIds(db.pool);
      let requests = 0;
      const booksBefore = await lastBookId(db.pool);
      for (const endpoint of settings.endpoints) {
        const result = await generator.run({
          url: profiled.url,
          requests: workloadFor(endpoint, ids),
          connections: settings.connections,
          seconds: settings.profile,
        });
        requests += result.requests;
      }
      await removeBooksAfter(db.pool, booksBefore);
      await profiled.stop();
      const written = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
      if (written) {
        profileText = `${path.join('.test-output/profile', written)}\n${summariseProfile(path.join(profileDir, written), 25, requests)}`;
        log(
          `profile of ${settings.profileServer} under load (${settings.profile} s per endpoint: ${settings.endpoints.join(', ')}):\n${profileText}`,
        );
      } else log('no .cpuprofile was written');
    }
  } finally {
    await cleanUp();
  }

  const summaries = summarise(measurements);
  const checked = targets(summaries);
  // No target involves the bare floors or the Fastify peer, and the floors are the likeliest to fill both cores by
  // themselves (node:http + Postgres + wrk): their runs do not decide the verdict, but what went wrong in them is said.
  // Nor does any target involve the generated engine's reads: the same for their runs.
  const judged = (targeted: boolean) =>
    measurements
      .filter((m) => !(untargetedServers.includes(m.server) || untargetedEndpoints.includes(m.endpoint)) === targeted)
      .map((m) => ({ label: `${m.dataSet} r${m.round + 1} ${m.endpoint}${m.unloaded ? ' (1 connection)' : ''} ${m.server}`, cpu: m.cpu }));
  const refusals = verdictRefusals(loadAtStart, judged(true), settings.verdictLimits);
  const untargetedNotes = verdictRefusals(0, judged(false), settings.verdictLimits);
  const finalSettings = {
    ...settings,
    generator: generator.description,
    loadAverageAtEnd: loadavg().map((l) => Number(l.toFixed(2))),
    totalSeconds: Math.round((performance.now() - startedAt) / 1000),
  };
  console.log(
    `\nLoad generator: ${generator.description}; load average before the run ${loadAtStart.toFixed(2)} on ${settings.cpus} cores.\n\n` +
      `${table(summaries)}\n\nTargets:\n${targetLines(checked, refusals)}\n` +
      (untargetedNotes.length ? `\n${untargetedHeading}\n${untargetedNotes.map((n) => `  - ${n}`).join('\n')}\n` : '') +
      ratioSections(summaries).join('\n'),
  );
  writeReport(outputDir, {
    settings: finalSettings,
    measurements,
    summaries,
    targets: checked,
    refusals,
    untargetedNotes,
    ...(profileText ? { profile: profileText } : {}),
  });
  log(`wrote .test-output/bench.md and .test-output/bench.json (${finalSettings.totalSeconds} s in all)`);
}

await main();
