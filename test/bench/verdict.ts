import type { CpuSplit } from './cpu-split.ts';

/**
 * When the bench's numbers say something about the servers, and when they
 * say more about the machine: a verdict (PASS/FAIL of the targets) is
 * refused, with the reasons, when the machine was busy before the run, when
 * the load generator was saturated (it, not the server, set the pace, and
 * every server looks alike), when the machine's cores were all busy (the
 * generator may have been starved of CPU), or when other processes took CPU
 * during a run.
 */
export interface VerdictLimits {
  /** 1-minute load average before the run (BENCH_MAX_LOAD). */
  maxLoadAtStart: number;
  /** The generator's CPU in cores (BENCH_MAX_GENERATOR_CPU): wrk -t1 and autocannon each use one thread. */
  maxGeneratorCores: number;
  /** The machine's busy share over all cores (BENCH_MAX_MACHINE_BUSY). */
  maxMachineBusy: number;
  /** CPU taken by processes outside the bench, in cores (BENCH_MAX_OTHERS_CPU). */
  maxOthersCores: number;
}

export const defaultVerdictLimits = (cores: number): VerdictLimits => ({
  maxLoadAtStart: cores / 2,
  maxGeneratorCores: 0.9,
  maxMachineBusy: 0.97,
  maxOthersCores: 0.2,
});

export interface JudgedRun {
  label: string;
  cpu: CpuSplit;
}

/** Why no verdict may be given; empty when one may. */
export function verdictRefusals(loadAtStart: number, runs: JudgedRun[], limits: VerdictLimits): string[] {
  const reasons: string[] = [];
  if (loadAtStart > limits.maxLoadAtStart) {
    reasons.push(
      `the machine was busy before the run: load average ${loadAtStart.toFixed(2)} > ${limits.maxLoadAtStart} (BENCH_MAX_LOAD); other work shares the cores`,
    );
  }
  const over = (what: string, value: (cpu: CpuSplit) => number, limit: number, unit: (v: number) => string, why: string) => {
    const bad = runs.filter((r) => value(r.cpu) >= limit);
    if (!bad.length) return;
    const worst = bad.reduce((a, b) => (value(b.cpu) > value(a.cpu) ? b : a));
    reasons.push(
      `${what} in ${bad.length} of ${runs.length} runs (worst ${unit(value(worst.cpu))}, ${worst.label}; limit ${unit(limit)}): ${why}`,
    );
  };
  const coresText = (v: number) => `${v.toFixed(2)} cores`;
  const shareText = (v: number) => `${(v * 100).toFixed(0)}%`;
  over(
    'the load generator was saturated',
    (c) => c.generator,
    limits.maxGeneratorCores,
    coresText,
    'it, not the server, set the pace (BENCH_MAX_GENERATOR_CPU)',
  );
  over(
    'the machine was saturated',
    (c) => c.machine,
    limits.maxMachineBusy,
    shareText,
    'every core was busy, so the generator may have been starved (BENCH_MAX_MACHINE_BUSY)',
  );
  over(
    'other processes took CPU',
    (c) => c.others,
    limits.maxOthersCores,
    coresText,
    'the servers did not have the cores to themselves (BENCH_MAX_OTHERS_CPU)',
  );
  return reasons;
}
