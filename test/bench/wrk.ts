import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OptionalProgram } from '../support/optional-program.ts';
import { runToEnd } from '../support/process.ts';
import type { LoadResult } from './load-result.ts';
import type { PlannedRequest } from './workload.ts';
import { parseWrkOutput } from './wrk-output.ts';

/**
 * The native load generator: wrk, one thread (its event loop is C; one
 * thread keeps it to one core, leaving the other to the server and
 * Postgres), driven by test/bench/wrk.lua over a file of requests.
 */
export const WRK: OptionalProgram = {
  name: 'wrk',
  envVariable: 'BENCH_WRK',
  commands: ['wrk'],
  install: 'sudo apt-get install wrk',
};

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'wrk.lua');

export interface WrkRun {
  wrk: string;
  url: string;
  requests: PlannedRequest[];
  connections: number;
  seconds: number;
  /** Where the requests file goes. */
  scratchDir: string;
}

export async function runWrk({ wrk, url, requests, connections, seconds, scratchDir }: WrkRun): Promise<LoadResult> {
  const requestsFile = path.join(scratchDir, 'wrk-requests.tsv');
  writeFileSync(requestsFile, requests.map((r) => [r.method, r.path, ...(r.body ? [r.body] : [])].join('\t')).join('\n') + '\n');
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', script, url, '--', requestsFile];
  const { code, output } = await runToEnd(wrk, args);
  if (code !== 0) throw new Error(`wrk ${args.join(' ')} exited with ${code}:\n${output.slice(0, 2000)}`);
  return parseWrkOutput(output);
}
