import type { LoadResult } from './load-result.ts';

/**
 * Reads the one line `WRK_JSON {...}` that test/bench/wrk.lua's done()
 * prints at the end of wrk's output. wrk counts a response with a status
 * of 400 or more as a "status" error ("Non-2xx or 3xx responses"); the
 * others (connect, read, write, timeout) are transport errors.
 */
interface WrkDone {
  requests: number;
  duration_us: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latency_us: { p50: number; p99: number };
}

export function parseWrkOutput(stdout: string): LoadResult {
  const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (!line) throw new Error(`wrk printed no WRK_JSON line (was test/bench/wrk.lua used?):\n${stdout.slice(0, 2000)}`);
  const done = JSON.parse(line.slice('WRK_JSON '.length)) as WrkDone;
  const { connect, read, write, status, timeout } = done.errors;
  if (!(done.duration_us > 0)) throw new Error(`wrk reported a duration of ${done.duration_us} µs`);
  return {
    requests: done.requests,
    rps: done.requests / (done.duration_us / 1e6),
    p50: done.latency_us.p50 / 1000,
    p99: done.latency_us.p99 / 1000,
    errors: connect + read + write + timeout,
    non2xx: status,
  };
}
