import autocannon from 'autocannon';
import type { LoadResult } from './load-result.ts';
import type { PlannedRequest } from './workload.ts';

/**
 * The fallback load generator: autocannon, in this process (the servers are
 * other processes), fixed connections, no pipelining, for `seconds`. It runs
 * on Node and competes with the servers and Postgres for the cores, so the
 * bench prefers wrk (test/bench/wrk.ts). Latencies are taken from every 2xx
 * response's exact time (autocannon's own histogram rounds to whole ms).
 */
export interface AutocannonRun {
  url: string;
  requests: PlannedRequest[];
  connections: number;
  seconds: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function runAutocannon({ url, requests, connections, seconds }: AutocannonRun): Promise<LoadResult> {
  let times = new Float64Array(1 << 16);
  let count = 0;
  let next = 0;
  const instance = autocannon({
    url,
    connections,
    pipelining: 1,
    duration: seconds,
    requests: [
      {
        setupRequest: (request: object) => {
          const planned = requests[next++ % requests.length]!;
          return {
            ...request,
            method: planned.method,
            path: planned.path,
            ...(planned.body ? { body: planned.body, headers: { 'content-type': 'application/json' } } : {}),
          };
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode < 200 || statusCode >= 300) return;
    if (count === times.length) {
      const bigger = new Float64Array(times.length * 2);
      bigger.set(times);
      times = bigger;
    }
    times[count++] = responseTime;
  });
  const result = await instance;
  const sorted = times.subarray(0, count).sort();
  return {
    requests: result.requests.total,
    rps: result.requests.total / (result.duration || seconds),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}
