import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import {
  loadedP50Lines,
  metricsCostLines,
  peerRatioLines,
  summarise,
  table,
  targetLines,
  targets,
  untargetedEndpoints,
  untargetedServers,
  writeReport,
  type Measurement,
} from '../bench/report.ts';
import type { ServerName } from '../bench/servers.ts';
import type { Endpoint } from '../bench/workload.ts';

const cpu = { server: 0.9, postgres: 0.6, generator: 0.3, others: 0.05, machine: 0.9 };
const run = (server: ServerName, endpoint: Endpoint, rps: number, round = 0, dataSet: 'seed' | 'large' = 'seed'): Measurement => ({
  dataSet,
  endpoint,
  server,
  round,
  generator: 'wrk',
  requests: rps * 6,
  rps,
  p50: 1,
  p99: 2,
  errors: 0,
  non2xx: 0,
  rss: 100,
  cpuUs: 200,
  cpu,
});

/** Ours at 3000 req/s on each read, Fastify at 5000, the named bare floor at 6000 (medians of rounds). */
const measurements: Measurement[] = [
  ...(['GET /authors', 'GET /books/{author_id}'] as const).flatMap((endpoint) => [
    run('ours', endpoint, 3000),
    run('fastify', endpoint, 5000, 0),
    run('fastify', endpoint, 4000, 1),
    run('fastify', endpoint, 9000, 2),
    run('bare-named', endpoint, 6000),
    run('bare', endpoint, 4000),
  ]),
  run('ours', 'POST /books', 2000),
  run('fastify', 'POST /books', 2500),
];

const cells = (markdown: string, server: ServerName, endpoint: Endpoint) => {
  const lines = markdown.split('\n');
  const header = lines[0]!.split(' | ');
  const row = lines.find((l) => l.includes(` ${endpoint} | ${server} |`))!;
  const values = row.split(' | ');
  return (column: string) => values[header.indexOf(column)]!;
};

it('puts ours over Fastify and over the named bare floor in the table, per cell, from the medians', () => {
  const summaries = summarise(measurements);
  const markdown = table(summaries);
  for (const endpoint of ['GET /authors', 'GET /books/{author_id}'] as const) {
    const ours = cells(markdown, 'ours', endpoint);
    expect(ours('ours/Fastify req/s')).toBe('0.60'); // 3000 / median(5000, 4000, 9000)
    expect(ours('ours/bare-named req/s')).toBe('0.50');
    expect(ours('ours/bare req/s')).toBe('0.75');
    expect(ours('ours/framework req/s')).toBe('–'); // not run
    expect(cells(markdown, 'fastify', endpoint)('ours/Fastify req/s')).toBe(''); // ratios are ours' row only
  }
  expect(cells(markdown, 'ours', 'POST /books')('ours/Fastify req/s')).toBe('0.80');
  expect(cells(markdown, 'ours', 'POST /books')('ours/bare-named req/s')).toBe('–');
  // The table's order: ours first, the peers after the floors.
  const servers = markdown
    .split('\n')
    .filter((l) => l.includes('| GET /authors |'))
    .map((l) => l.split(' | ')[2]);
  expect(servers).toEqual(['ours', 'bare', 'bare-named', 'fastify']);
});

it('lists ours over Fastify and the named bare floor for each read, and nothing for a run without them', () => {
  expect(peerRatioLines(summarise(measurements))).toEqual([
    '- GET /authors [seed]: ours 0.600× fastify (3000 vs 5000 req/s), 0.500× bare-named (3000 vs 6000 req/s)',
    '- GET /books/{author_id} [seed]: ours 0.600× fastify (3000 vs 5000 req/s), 0.500× bare-named (3000 vs 6000 req/s)',
  ]);
  const onlyFastifyLarge = [run('ours', 'GET /authors', 1000, 0, 'large'), run('fastify', 'GET /authors', 2000, 0, 'large')];
  expect(peerRatioLines(summarise(onlyFastifyLarge))).toEqual(['- GET /authors [large]: ours 0.500× fastify (1000 vs 2000 req/s)']);
  expect(peerRatioLines(summarise(measurements.filter((m) => m.server !== 'fastify' && m.server !== 'bare-named')))).toEqual([]);
});

it('does not judge the servers no target involves, and writes the peer ratios into bench.md', () => {
  expect([...untargetedServers].sort()).toEqual(['bare', 'bare-named', 'fastify']);
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-report-'));
  const summaries = summarise(measurements);
  writeReport(dir, { settings: {}, measurements, summaries, targets: [], refusals: [], untargetedNotes: ['wrk was saturated'] });
  const md = readFileSync(path.join(dir, 'bench.md'), 'utf8');
  expect(md).toContain(
    'The runs of bare, bare-named, fastify, and of GET /authors/{id}, GET /books?author_id={id} ' +
      '(no target; not judged, their ratios less sure):\n- wrk was saturated',
  );
  expect(md).toContain('Ours against Fastify and the named bare floor (no target: the bar is no regression):\n- GET /authors [seed]');
  expect(JSON.parse(readFileSync(path.join(dir, 'bench.json'), 'utf8')).untargetedNotes).toEqual(['wrk was saturated']);
});

it("shows the generated engine's reads in the table with their ratios, in the peer lines, and in no target", () => {
  expect(untargetedEndpoints).toEqual(['GET /authors/{id}', 'GET /books?author_id={id}']);
  const generated = untargetedEndpoints.flatMap((endpoint) => [
    { ...run('ours', endpoint, 2000), rss: 400 },
    run('framework', endpoint, 4000),
    run('fastify', endpoint, 5000),
  ]);
  const summaries = summarise([...measurements, ...generated]);
  const markdown = table(summaries);
  for (const endpoint of untargetedEndpoints) {
    expect(cells(markdown, 'ours', endpoint)('ours/framework req/s')).toBe('0.50');
    expect(cells(markdown, 'ours', endpoint)('ours/Fastify req/s')).toBe('0.40');
  }
  // After the guide's endpoints in the table.
  const order = markdown
    .split('\n')
    .filter((l) => l.includes('| ours |'))
    .map((l) => l.split(' | ')[1]);
  expect(order).toEqual(['GET /authors', 'GET /books/{author_id}', 'POST /books', 'GET /authors/{id}', 'GET /books?author_id={id}']);
  expect(peerRatioLines(summaries)).toContain('- GET /authors/{id} [seed]: ours 0.400× fastify (2000 vs 5000 req/s)');
  // No target names them, and their runs (400 MB here) do not count for ours' peak RSS.
  const checked = targets(summaries);
  expect(checked.filter((t) => untargetedEndpoints.some((e) => t.name.includes(e)))).toEqual([]);
  expect(checked.find((t) => t.name.startsWith('ours peak RSS'))?.detail).toBe('100 MB');
  // A run of them alone has no target at all, and says so.
  expect(targets(summarise(generated))).toEqual([]);
  expect(targetLines([], ['the machine was busy'])).toBe('- none: no targeted endpoint and server in this run');
});

it("holds ours with metrics on to every one of ours' targets, and reports its cost against ours", () => {
  const guideReads = ['GET /authors', 'GET /books/{author_id}'] as const;
  const both = (['seed', 'large'] as const).flatMap((dataSet) => [
    ...guideReads.flatMap((endpoint) => [
      run('ours', endpoint, 3000, 0, dataSet),
      // Faster than the floor, but a p99 3× the floor's and only 1.1× Drizzle's requests/s.
      { ...run('ours-metrics', endpoint, 2950, 0, dataSet), p99: 6, rss: 160 },
      run('framework', endpoint, 2000, 0, dataSet),
      run('drizzle', endpoint, 2700, 0, dataSet),
    ]),
    run('ours', 'POST /books', 2000, 0, dataSet),
    run('ours-metrics', 'POST /books', 1000, 0, dataSet),
    run('framework', 'POST /books', 2000, 0, dataSet),
  ]);
  const unloaded = (['seed', 'large'] as const).flatMap((dataSet) =>
    (['ours', 'ours-metrics'] as const).map((server) => ({
      ...run(server, 'GET /books/{author_id}', 4000, 0, dataSet),
      unloaded: true as const,
    })),
  );
  const checked = targets(summarise([...both, ...unloaded]));
  const metrics = checked.filter((t) => t.name.includes('ours-metrics'));
  const failed = metrics.filter((t) => !t.pass).map((t) => t.name);
  expect(failed).toContain('GET /authors [seed]: ours-metrics p99 ≤ 1.2× framework');
  expect(failed).toContain('GET /books/{author_id} [large]: ours-metrics req/s ≥ 1.3× drizzle');
  expect(failed).toContain('POST /books [large]: ours-metrics req/s ≥ 0.9× framework');
  expect(failed).toContain('ours-metrics peak RSS under load < 150 MB');
  expect(metrics.find((t) => t.name.startsWith('GET /books/{author_id}: ours-metrics p50'))?.pass).toBe(true);
  expect(metrics.find((t) => t.name === 'GET /authors [seed]: ours-metrics req/s ≥ 1× framework')?.pass).toBe(true);
  // Its cost is measured, no target: one line per cell and the median.
  expect(metrics.filter((t) => t.name.endsWith('× ours'))).toEqual([]);
  expect(metricsCostLines(summarise(both))).toEqual([
    ...['seed', 'large'].flatMap((dataSet) => [
      `- GET /authors [${dataSet}]: 0.983× (2950 vs 3000 req/s; server CPU 200 vs 200 µs a request)`,
      `- GET /books/{author_id} [${dataSet}]: 0.983× (2950 vs 3000 req/s; server CPU 200 vs 200 µs a request)`,
      `- POST /books [${dataSet}]: 0.500× (1000 vs 2000 req/s; server CPU 200 vs 200 µs a request)`,
    ]),
    '- median 0.983×',
  ]);
  expect(metricsCostLines(summarise(both.filter((m) => m.server !== 'ours-metrics')))).toEqual([]);
  // Ours' own targets are unchanged by it: the same 16 (its p99 is 2 ms against the floor's 2, its RSS 100 MB).
  expect(checked.filter((t) => !t.name.includes('ours-metrics'))).toHaveLength(16);
});

/** Ours' by-author read on both data sets: under the load (32 connections) and on one connection. */
const byAuthor = (loaded: { seed: number; large: number }, oneConnection: { seed: number; large: number }) =>
  (['seed', 'large'] as const).flatMap((dataSet) => [
    { ...run('ours', 'GET /books/{author_id}', 32_000 / loaded[dataSet], 0, dataSet), p50: loaded[dataSet] },
    {
      ...run('ours', 'GET /books/{author_id}', 1_000 / oneConnection[dataSet], 0, dataSet),
      p50: oneConnection[dataSet],
      unloaded: true as const,
    },
  ]);
const p50Target = (measured: Measurement[]) =>
  targets(summarise(measured)).find((t) => t.name.startsWith('GET /books/{author_id}: ours p50'));

it("compares the by-author p50 on the large set with seed on one connection, the read's own latency, not under the load", () => {
  // Under the load the large read's p50 is twice seed's (half the req/s); on one connection 1.2×: a pass.
  const pass = p50Target(byAuthor({ seed: 4, large: 8 }, { seed: 0.25, large: 0.3 }))!;
  expect(pass).toEqual({
    name: 'GET /books/{author_id}: ours p50 on the large set ≤ 1.5× seed (1 connection)',
    pass: true,
    detail: '1.200× (0.300 vs 0.250 ms)',
  });
  // And the other way round: level under the load, 2× on one connection (the read itself slower on 1M books): a fail.
  expect(p50Target(byAuthor({ seed: 4, large: 4 }, { seed: 0.25, large: 0.5 }))?.pass).toBe(false);
  // Without one-connection runs there is nothing to compare: no target, not a pass.
  expect(p50Target(byAuthor({ seed: 4, large: 4 }, { seed: 0.25, large: 0.5 }).filter((m) => !m.unloaded))).toBeUndefined();
});

it('shows the one-connection runs as rows of their own, without ratios, and the loaded p50 ratio as a line', () => {
  const others = measurements.filter((m) => !(m.server === 'ours' && m.endpoint === 'GET /books/{author_id}'));
  const summaries = summarise([...others, ...byAuthor({ seed: 4, large: 8 }, { seed: 0.25, large: 0.3 })]);
  const markdown = table(summaries);
  const oneConnection = cells(markdown, 'ours', 'GET /books/{author_id} (1 connection)' as Endpoint);
  expect(oneConnection('p50 ms')).toBe('0.25');
  expect(oneConnection('ours/Fastify req/s')).toBe('');
  // The loaded row keeps its ratios (8000 / median(5000, 4000, 9000) on seed).
  expect(cells(markdown, 'ours', 'GET /books/{author_id}')('ours/Fastify req/s')).toBe('1.60');
  expect(loadedP50Lines(summaries)).toEqual(['- ours: 2.000× (8.00 vs 4.00 ms; 4000 vs 8000 req/s)']);
});
