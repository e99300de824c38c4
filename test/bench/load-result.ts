/** What one load run measured, whichever generator ran it (latencies in ms, of 2xx responses for autocannon, of all for wrk). */
export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  /** Transport errors: connect, read, write, timeouts. */
  errors: number;
  /** Responses that were not 2xx (wrk: status ≥ 400). */
  non2xx: number;
}
