import { expect, it } from 'vitest';
import type { CpuSplit } from '../bench/cpu-split.ts';
import { defaultVerdictLimits, verdictRefusals } from '../bench/verdict.ts';

const limits = defaultVerdictLimits(2);
const quiet: CpuSplit = { server: 0.95, postgres: 0.6, generator: 0.2, others: 0.05, machine: 0.9 };
const run = (label: string, cpu: Partial<CpuSplit> = {}) => ({ label, cpu: { ...quiet, ...cpu } });

it('gives a verdict when the machine was quiet and the generator had CPU to spare', () => {
  expect(limits).toEqual({ maxLoadAtStart: 1, maxGeneratorCores: 0.9, maxMachineBusy: 0.97, maxOthersCores: 0.2 });
  expect(verdictRefusals(0.4, [run('a'), run('b')], limits)).toEqual([]);
});

it('refuses when the load average before the run was above the limit', () => {
  const reasons = verdictRefusals(5.17, [run('a')], limits);
  expect(reasons).toHaveLength(1);
  expect(reasons[0]).toMatch(/load average 5\.17 > 1 \(BENCH_MAX_LOAD\)/);
});

it('refuses when the generator used 90% of a core in any run, naming the worst', () => {
  const reasons = verdictRefusals(0.2, [run('a', { generator: 0.92 }), run('b'), run('c', { generator: 0.97 })], limits);
  expect(reasons).toEqual([
    expect.stringMatching(/^the load generator was saturated in 2 of 3 runs \(worst 0\.97 cores, c; limit 0\.90 cores\)/),
  ]);
  expect(verdictRefusals(0.2, [run('a', { generator: 0.89 })], limits)).toEqual([]);
});

it('refuses when every core was busy, or when other processes took CPU during a run', () => {
  const reasons = verdictRefusals(0.2, [run('a', { machine: 0.99 }), run('b', { others: 0.5 })], limits);
  expect(reasons).toEqual([
    expect.stringMatching(/^the machine was saturated in 1 of 2 runs \(worst 99%, a; limit 97%\)/),
    expect.stringMatching(/^other processes took CPU in 1 of 2 runs \(worst 0\.50 cores, b; limit 0\.20 cores\)/),
  ]);
});
