import { findProgram } from '../support/optional-program.ts';
import { runAutocannon } from './load.ts';
import type { LoadResult } from './load-result.ts';
import type { PlannedRequest } from './workload.ts';
import { runWrk, WRK } from './wrk.ts';

/**
 * The load generator of a bench run: wrk when it is installed (or named by
 * BENCH_WRK), else autocannon with a warning saying how to install wrk.
 * BENCH_GENERATOR=autocannon picks autocannon on purpose (to compare).
 */
export type GeneratorName = 'wrk' | 'autocannon';

export interface LoadGenerator {
  name: GeneratorName;
  /** What the report says about it (the binary, or why autocannon). */
  description: string;
  /** Whether it runs in the bench's own process (autocannon) or in a child (wrk). */
  inProcess: boolean;
  run(options: { url: string; requests: PlannedRequest[]; connections: number; seconds: number }): Promise<LoadResult>;
}

export function chooseGenerator(scratchDir: string, warn: (line: string) => void, env: NodeJS.ProcessEnv = process.env): LoadGenerator {
  const wanted = env.BENCH_GENERATOR ?? 'wrk';
  if (wanted !== 'wrk' && wanted !== 'autocannon') throw new Error(`BENCH_GENERATOR must be wrk or autocannon, not ${wanted}`);
  const wrk = wanted === 'wrk' ? findProgram(WRK, env) : undefined;
  if (wrk) {
    return {
      name: 'wrk',
      description: `wrk (${wrk}, 1 thread)`,
      inProcess: false,
      run: (options) => runWrk({ ...options, wrk, scratchDir }),
    };
  }
  if (wanted === 'wrk') {
    warn(
      `WARNING: wrk not found (${env.BENCH_WRK ? `BENCH_WRK=${env.BENCH_WRK} is not an executable file` : 'not on PATH'}); ` +
        `falling back to autocannon, which runs on Node and takes CPU the servers need, so servers look more alike than they are. ` +
        `Install wrk: ${WRK.install}`,
    );
  }
  return {
    name: 'autocannon',
    description: wanted === 'autocannon' ? 'autocannon (BENCH_GENERATOR=autocannon)' : `autocannon (wrk missing: ${WRK.install})`,
    inProcess: true,
    run: runAutocannon,
  };
}
