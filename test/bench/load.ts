import autocannon from 'autocannon';

/**
 * One load run with autocannon (in this process; the servers are other
 * processes): fixed connections, no pipelining, for `seconds`. Latencies
 * are taken from every response's exact time (autocannon's own histogram
 * rounds to whole milliseconds, too coarse at these speeds).
 */
export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export interface LoadOptions {
  url: string;
  /** Each request's path; called once per request. */
  nextPath: () => string;
  connections: number;
  seconds: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function load({ url, nextPath, connections, seconds }: LoadOptions): Promise<LoadResult> {
  let times = new Float64Array(1 << 16);
  let count = 0;
  const instance = autocannon({
    url,
    connections,
    pipelining: 1,
    duration: seconds,
    requests: [{ method: 'GET', setupRequest: (request: object) => ({ ...request, path: nextPath() }) }],
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
