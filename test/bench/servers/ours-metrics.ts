/**
 * Bench server (i'), OURS with Prometheus metrics on: exactly server (i)
 * (ours.ts), started by the bench with METRICS_PORT set (servers.ts), so
 * every request is counted, timed and labelled as in production with
 * metrics on. Nothing scrapes it during a run (a scrape every 15 s costs
 * nothing measurable; the per-request counting is what is measured).
 */
import './ours.ts';
