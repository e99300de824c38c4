import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { sql } from '@databases/pg';
import { repoRoot } from '../../src/project/paths.mjs';
import { atlasOrThrow } from '../../src/atlas/run.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { applyMigrations, GateRefusal } from '../../src/migrate/apply.ts';
import { withDatabase } from '../support/postgres.ts';
import { scratchRepo } from '../support/scratch-repo.ts';
import { authorIds, growToLargeDataSet, startBenchDatabase } from './database.ts';
import { onlineChanges } from './online-changes.ts';
import { startOnlineLoad, statsOf, windowRecords, windowStats, type RequestRecord, type WindowStats } from './online-load.ts';
import { startServer } from './servers.ts';

/**
 * `npm run bench:online` (issue 10 §4): on 1M books, while ours (bundled, in
 * its own process, as `npm start` runs it) serves a steady mix of reads and
 * writes, each common schema change is applied through the real apply path
 * (applyMigrations: the gate, then Atlas with lock_timeout), and the requests
 * that overlapped the apply are judged: the slowest, the 99th percentile, the
 * failed ones, against a no-change window of the same load just before it.
 * Not a test: the machine is shared, so each row carries the load average.
 *
 * Env: BENCH_AUTHORS (100000) BENCH_BOOKS (1000000) BENCH_LANES (8)
 *      BENCH_EVERY_MS (40: each lane's pace) BENCH_BASELINE_SECONDS (5)
 */
const int = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
};
const settings = {
  authors: int('BENCH_AUTHORS', 100_000),
  books: int('BENCH_BOOKS', 1_000_000),
  lanes: int('BENCH_LANES', 8),
  everyMs: int('BENCH_EVERY_MS', 40),
  baselineSeconds: int('BENCH_BASELINE_SECONDS', 5),
  cpus: cpus().length,
  node: process.version,
};

const startedAt = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const load1 = () => Number(loadavg()[0]!.toFixed(1));

interface Row {
  kind: string;
  refused?: string;
  applySeconds: number;
  baseline: WindowStats;
  during: WindowStats;
  loadAverage: [number, number];
}

async function main() {
  const db = await startBenchDatabase(log);
  // Ctrl-C: stop the bench's own Postgres too, as the finally below would.
  process.once('SIGINT', () => void db.dispose().finally(() => process.exit(130)));
  const scratch = scratchRepo();
  let stopLoad: (() => Promise<void>) | undefined;
  let stopServer: (() => Promise<void>) | undefined;
  try {
    await growToLargeDataSet(db.pool, { authors: settings.authors, books: settings.books }, log);
    const ids = await authorIds(db.pool);
    const [{ max }] = await db.pool.query(sql`SELECT max(id) AS max FROM books`);
    const dev = withDatabase(db.url, 'bench_dev');
    const outputDir = path.join(repoRoot, '.test-output');
    mkdirSync(outputDir, { recursive: true });
    // Its request log (JSON lines, errors included) says why a request failed.
    const serverLog = path.join(outputDir, 'bench-online-server.log');
    writeFileSync(serverLog, '');
    const server = await startServer('ours', { databaseUrl: db.url, logFile: serverLog, poolSize: 10 });
    stopServer = server.stop;
    const traffic = startOnlineLoad({
      baseUrl: server.url,
      authorIds: ids,
      maxBookId: max,
      lanes: settings.lanes,
      everyMs: settings.everyMs,
    });
    stopLoad = traffic.stop;
    log(`load: ${settings.lanes} lanes, one request each every ${settings.everyMs} ms (3 reads : 1 write)`);
    await sleep(3_000); // warm-up

    let version = 20261126100000;
    const hash = () => atlasOrThrow(['migrate', 'hash', ...targetFlags({ migrate: db.url, dev })], { echo: false, cwd: scratch.root });
    const rows: Row[] = [];
    const quiet: RequestRecord[] = [];
    for (const change of onlineChanges) {
      log(`${change.kind}`);
      if (change.setup) {
        writeFileSync(scratch.file('migrations', `${version++}_${change.setup.migration.name}.sql`), change.setup.migration.sql);
        await hash();
        await applyMigrations(db.url, { dev, root: scratch.root });
        await db.pool.query(sql.__dangerous__rawValue(change.setup.data));
      }
      const loadBefore = load1();
      const baselineStart = performance.now();
      await sleep(settings.baselineSeconds * 1000);
      const baselineEnd = performance.now();
      const quietHere = windowRecords(traffic.records, baselineStart, baselineEnd, { startedWithin: true });
      const baseline = statsOf(quietHere);
      quiet.push(...quietHere);

      let refused: string | undefined;
      if (change.refusedFirst) {
        const file = scratch.file('migrations', `${version}_${change.refusedFirst.name}.sql`);
        writeFileSync(file, change.refusedFirst.sql);
        await hash();
        try {
          await applyMigrations(db.url, { dev, root: scratch.root });
          throw new Error(`the gate accepted ${change.refusedFirst.name}; it must refuse it`);
        } catch (error) {
          if (!(error instanceof GateRefusal)) throw error;
          refused = error.verdict.blockers.map((finding) => `${finding.source} ${finding.rule}`).join(', ');
          log(`  refused by the gate without its opt-out: ${refused}`);
        }
        rmSync(file);
        await hash();
      }

      const applyStart = performance.now();
      for (const step of change.steps) {
        writeFileSync(scratch.file('migrations', `${version++}_${step.name}.sql`), step.sql);
        await hash();
        await applyMigrations(db.url, { dev, root: scratch.root, log: (line) => log(`  ${line}`) });
      }
      const applyEnd = performance.now();
      const during = windowStats(traffic.records, applyStart, applyEnd);
      const row = {
        kind: change.kind,
        ...(refused ? { refused } : {}),
        applySeconds: (applyEnd - applyStart) / 1000,
        baseline,
        during,
        loadAverage: [loadBefore, load1()] as [number, number],
      };
      rows.push(row);
      log(
        `  applied in ${row.applySeconds.toFixed(1)} s: ${during.requests} requests, ${during.failed} failed, max ${during.maxMs.toFixed(0)} ms ` +
          `(baseline ${baseline.maxMs.toFixed(0)} ms), p99 ${during.p99Ms.toFixed(0)} ms (baseline ${baseline.p99Ms.toFixed(0)} ms)`,
      );
    }
    await traffic.stop();
    stopLoad = undefined;
    const allQuiet = statsOf(quiet);
    const markdown =
      `${report(rows)}\n\nAll no-change windows together: ${allQuiet.requests} requests, ${allQuiet.failed} failed, ` +
      `max ${allQuiet.maxMs.toFixed(0)} ms, p99 ${allQuiet.p99Ms.toFixed(0)} ms. Load average at the end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(', ')} (${settings.cpus} CPUs).`;
    console.log(`\n${markdown}`);
    writeFileSync(
      path.join(outputDir, 'bench-online.md'),
      `# bookshelf online changes\n\n\`\`\`json\n${JSON.stringify(settings, null, 2)}\n\`\`\`\n\n${markdown}\n`,
    );
    writeFileSync(path.join(outputDir, 'bench-online.json'), JSON.stringify({ settings, rows }, null, 2) + '\n');
    log('wrote .test-output/bench-online.md');
  } finally {
    await stopLoad?.();
    await stopServer?.();
    scratch.dispose();
    await db.dispose();
  }
}

const failed = (stats: WindowStats) =>
  stats.failed === 0
    ? '0'
    : `${stats.failed} (${Object.entries(stats.failures)
        .map(([status, n]) => `${n}× ${status === '0' ? 'network error' : status}`)
        .join(', ')})`;

function report(rows: Row[]): string {
  const ms = (value: number) => value.toFixed(0);
  return [
    '| change | apply s | requests | failed | max ms | p99 ms | baseline max ms | baseline p99 ms | max / baseline max | load avg (1 min) before → after |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.kind}${row.refused ? ` (refused without its opt-out: ${row.refused})` : ''} | ${row.applySeconds.toFixed(1)} | ${row.during.requests} | ${failed(row.during)} | ` +
        `${ms(row.during.maxMs)} | ${ms(row.during.p99Ms)} | ${ms(row.baseline.maxMs)} | ${ms(row.baseline.p99Ms)} | ` +
        `**${(row.during.maxMs / row.baseline.maxMs).toFixed(1)}×** | ${row.loadAverage[0]} → ${row.loadAverage[1]} |`,
    ),
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
