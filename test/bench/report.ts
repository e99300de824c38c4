import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadResult } from './load.ts';
import type { ServerName } from './servers.ts';

/**
 * Medians over the interleaved rounds, the table, the ratios, and the
 * targets with PASS/FAIL; written to .test-output/bench.{md,json}.
 */
export type DataSet = 'seed' | 'large';
export type Endpoint = 'GET /authors' | 'GET /books/{author_id}';

export interface Measurement extends LoadResult {
  dataSet: DataSet;
  endpoint: Endpoint;
  server: ServerName;
  round: number;
  /** Peak VmRSS of the server process during the run (MB). */
  rss: number;
  /** CPU time (user + system) the server process spent per request (µs): steadier than req/s on a busy machine. */
  cpuUs: number;
}

export interface Summary {
  dataSet: DataSet;
  endpoint: Endpoint;
  server: ServerName;
  rps: number;
  p50: number;
  p99: number;
  rss: number;
  cpuUs: number;
  rounds: number;
  errors: number;
}

export interface Target {
  name: string;
  pass: boolean;
  detail: string;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export function summarise(measurements: Measurement[]): Summary[] {
  const groups = new Map<string, Measurement[]>();
  for (const m of measurements) {
    const key = `${m.dataSet}|${m.endpoint}|${m.server}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return [...groups.values()].map((runs) => ({
    dataSet: runs[0]!.dataSet,
    endpoint: runs[0]!.endpoint,
    server: runs[0]!.server,
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    rss: Math.max(...runs.map((r) => r.rss)),
    cpuUs: median(runs.map((r) => r.cpuUs)),
    rounds: runs.length,
    errors: runs.reduce((sum, r) => sum + r.errors + r.non2xx, 0),
  }));
}

const find = (summaries: Summary[], dataSet: DataSet, endpoint: Endpoint, server: ServerName) =>
  summaries.find((s) => s.dataSet === dataSet && s.endpoint === endpoint && s.server === server);

const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !b ? undefined : a / b);
const fmt = (value: number | undefined, digits = 2) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits));

export const limits = { rpsVsFramework: 0.9, p99VsFramework: 1.5, largeVsSeedP50: 1.5, rssMb: 150 } as const;

export function targets(summaries: Summary[]): Target[] {
  const out: Target[] = [];
  for (const dataSet of ['seed', 'large'] as const) {
    for (const endpoint of ['GET /authors', 'GET /books/{author_id}'] as const) {
      const ours = find(summaries, dataSet, endpoint, 'ours');
      const framework = find(summaries, dataSet, endpoint, 'framework');
      if (!ours || !framework) continue;
      const r = ours.rps / framework.rps;
      out.push({
        name: `${endpoint} [${dataSet}]: ours req/s ≥ ${limits.rpsVsFramework}× framework`,
        pass: r >= limits.rpsVsFramework,
        detail: `${r.toFixed(3)}× (${ours.rps.toFixed(0)} vs ${framework.rps.toFixed(0)} req/s)`,
      });
      const q = ours.p99 / framework.p99;
      out.push({
        name: `${endpoint} [${dataSet}]: ours p99 ≤ ${limits.p99VsFramework}× framework`,
        pass: q <= limits.p99VsFramework,
        detail: `${q.toFixed(3)}× (${ours.p99.toFixed(2)} vs ${framework.p99.toFixed(2)} ms)`,
      });
    }
  }
  const seedBooks = find(summaries, 'seed', 'GET /books/{author_id}', 'ours');
  const largeBooks = find(summaries, 'large', 'GET /books/{author_id}', 'ours');
  if (seedBooks && largeBooks) {
    const r = largeBooks.p50 / seedBooks.p50;
    out.push({
      name: `GET /books/{author_id}: ours p50 on the large set ≤ ${limits.largeVsSeedP50}× seed`,
      pass: r <= limits.largeVsSeedP50,
      detail: `${r.toFixed(3)}× (${largeBooks.p50.toFixed(2)} vs ${seedBooks.p50.toFixed(2)} ms)`,
    });
  }
  const oursRss = summaries.filter((s) => s.server === 'ours').map((s) => s.rss);
  if (oursRss.length) {
    const peak = Math.max(...oursRss);
    out.push({ name: `ours peak RSS under load < ${limits.rssMb} MB`, pass: peak < limits.rssMb, detail: `${peak.toFixed(0)} MB` });
  }
  return out;
}

export function table(summaries: Summary[]): string {
  const header = ['data set', 'endpoint', 'server', 'req/s', 'p50 ms', 'p99 ms', 'peak RSS MB', 'CPU µs/req', 'ours/fw req/s', 'ours/bare req/s', 'ours/fw p99', 'ours/fw CPU'];
  const rows = summaries.map((s) => {
    const fw = find(summaries, s.dataSet, s.endpoint, 'framework');
    const bare = find(summaries, s.dataSet, s.endpoint, 'bare');
    const ours = s.server === 'ours';
    return [
      s.dataSet,
      s.endpoint,
      s.server,
      s.rps.toFixed(0),
      fmt(s.p50),
      fmt(s.p99),
      s.rss.toFixed(0),
      s.cpuUs.toFixed(0),
      ours ? fmt(ratio(s.rps, fw?.rps)) : '',
      ours ? fmt(ratio(s.rps, bare?.rps)) : '',
      ours ? fmt(ratio(s.p99, fw?.p99)) : '',
      ours ? fmt(ratio(s.cpuUs, fw?.cpuUs)) : '',
    ];
  });
  const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}

export function targetLines(list: Target[]): string {
  return list.map((t) => `- ${t.pass ? 'PASS' : 'FAIL'} ${t.name}: ${t.detail}`).join('\n');
}

export function writeReport(dir: string, data: { settings: object; measurements: Measurement[]; summaries: Summary[]; targets: Target[]; profile?: string }) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'bench.json'), JSON.stringify(data, null, 2) + '\n');
  const md = [
    '# bookshelf bench',
    '',
    '```json',
    JSON.stringify(data.settings, null, 2),
    '```',
    '',
    table(data.summaries),
    '',
    '## Targets',
    '',
    targetLines(data.targets),
    ...(data.profile ? ['', '## CPU profile (self time)', '', '```', data.profile, '```'] : []),
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'bench.md'), md);
}
