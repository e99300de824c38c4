import type { Gauge, Registry } from 'prom-client';

/**
 * The process' Prometheus metrics (prom-client), in one registry of their
 * own (not prom-client's global one, so two servers in one process, as in
 * the tests, do not mix their numbers). Created only when METRICS_PORT is
 * set: with metrics off, nothing here is on the request path at all, and
 * prom-client is not even loaded (it held 1.2 MB of the heap).
 *
 * Names follow Prometheus' conventions: `bookshelf_` prefix, base units
 * (seconds), `_total` for counters. Label values are bounded sets: a route
 * template (never the raw path, which a client chooses), a method, a status,
 * a SQLSTATE class (two characters), a replica's number.
 */
export interface Metrics {
  readonly registry: Registry;
  /** A request answered: counted by route template, method and status, and its latency observed. */
  requestDone(route: string, method: string, status: number, seconds: number): void;
  /** Requests being served right now (inc on arrival, dec when the answer is sent or the connection gone). */
  readonly inFlight: Gauge;
  /** A query failed: its SQLSTATE class (`23` integrity, `57` operator intervention, …), `conn` for no SQLSTATE (refused, reset). */
  databaseError(pool: string, code: string | undefined): void;
  /** A prepared query sent again unnamed (named-statements.ts): `pooler` (it lost the statement), `result-type` (a migration changed it). */
  preparedStatementFallback(reason: 'pooler' | 'result-type'): void;
  /** The migration gate's verdict at start: `accepted` (pending migrations passed the gate and are applied, by this instance or, with several starting at once, by another), `nothing-pending` or `not-run` (DATABASE_URL without MIGRATE_ON_START). */
  gateVerdict(verdict: 'accepted' | 'nothing-pending' | 'not-run', migrations: number, warnings: number): void;
  /** Reports a pool's connections at each scrape. */
  watchPool(pool: string, stats: () => PoolStats): void;
  /** Reports the read replicas' state at each scrape. */
  watchReplicas(states: () => readonly ReplicaMetric[]): void;
  /** A read sent to a replica, or to the primary and why (`no-replica`, `lagging`, `replica-failed`, `wait-timeout`). */
  readRouted(target: 'replica' | 'primary', reason: string): void;
}

export interface PoolStats {
  /** Open connections (busy + idle). */
  size: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
}

interface ReplicaMetric {
  replica: string;
  /** 1: takes reads; 0: taken out (down or lagging). */
  up: boolean;
  /** How far behind the primary it was at the last check, in seconds (NaN: unknown). */
  lagSeconds: number;
}

/** Latency buckets (seconds): the API answers in about a millisecond; a slow query or a waiting pool shows in the upper ones. */
const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export async function createMetrics(): Promise<Metrics> {
  const { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } = await import('prom-client');
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'bookshelf_' });

  const requests = new Counter({
    name: 'bookshelf_http_requests_total',
    help: 'HTTP requests answered, by route template, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'bookshelf_http_request_duration_seconds',
    help: 'Time from a request’s arrival to its answer being handed to the socket, by route template and method',
    labelNames: ['route', 'method'] as const,
    buckets: latencyBuckets,
    registers: [registry],
  });
  const inFlight = new Gauge({ name: 'bookshelf_http_requests_in_flight', help: 'Requests being served now', registers: [registry] });
  const databaseErrors = new Counter({
    name: 'bookshelf_database_errors_total',
    help: 'Failed queries by pool and SQLSTATE class (conn: no SQLSTATE, the connection failed)',
    labelNames: ['pool', 'class'] as const,
    registers: [registry],
  });
  const fallbacks = new Counter({
    name: 'bookshelf_prepared_statement_fallbacks_total',
    help: 'Prepared queries sent again unnamed: pooler (it does not keep prepared statements), result-type (a migration changed a result type)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const gate = new Gauge({
    name: 'bookshelf_migration_gate_verdict',
    help: 'The migration gate’s verdict when this process started (1 for the verdict given)',
    labelNames: ['verdict'] as const,
    registers: [registry],
  });
  const gateMigrations = new Gauge({
    name: 'bookshelf_migration_gate_migrations',
    help: 'Migrations the gate accepted and applied at start',
    registers: [registry],
  });
  const gateWarnings = new Gauge({
    name: 'bookshelf_migration_gate_warnings',
    help: 'Warnings the gate gave on the migrations applied at start',
    registers: [registry],
  });
  const reads = new Counter({
    name: 'bookshelf_reads_routed_total',
    help: 'GET requests by where they read: a replica, or the primary and why',
    labelNames: ['target', 'reason'] as const,
    registers: [registry],
  });

  const pools = new Map<string, () => PoolStats>();
  const poolGauge = (name: string, help: string, pick: (stats: PoolStats) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['pool'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [pool, stats] of pools) this.set({ pool }, pick(stats()));
      },
    });
  poolGauge('bookshelf_db_pool_connections', 'Open connections in the pool (busy and idle)', (stats) => stats.size);
  poolGauge('bookshelf_db_pool_idle', 'Idle connections in the pool', (stats) => stats.idle);
  poolGauge('bookshelf_db_pool_waiting', 'Queries waiting for a connection', (stats) => stats.waiting);

  let replicas: () => readonly ReplicaMetric[] = () => [];
  new Gauge({
    name: 'bookshelf_replica_up',
    help: 'Whether a read replica takes reads (0: down or lagging beyond DATABASE_READ_MAX_LAG_MS)',
    labelNames: ['replica'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const state of replicas()) this.set({ replica: state.replica }, state.up ? 1 : 0);
    },
  });
  new Gauge({
    name: 'bookshelf_replica_lag_seconds',
    help: 'How long ago the primary had WAL the replica has not replayed yet, at the last check',
    labelNames: ['replica'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const state of replicas()) if (Number.isFinite(state.lagSeconds)) this.set({ replica: state.replica }, state.lagSeconds);
    },
  });

  return {
    registry,
    inFlight,
    requestDone(route, method, status, seconds) {
      requests.inc({ route, method, status });
      latency.observe({ route, method }, seconds);
    },
    databaseError(pool, code) {
      databaseErrors.inc({ pool, class: typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code.slice(0, 2) : 'conn' });
    },
    preparedStatementFallback(reason) {
      fallbacks.inc({ reason });
    },
    gateVerdict(verdict, migrations, warnings) {
      gate.reset();
      gate.set({ verdict }, 1);
      gateMigrations.set(migrations);
      gateWarnings.set(warnings);
    },
    watchPool(pool, stats) {
      pools.set(pool, stats);
    },
    watchReplicas(states) {
      replicas = states;
    },
    readRouted(target, reason) {
      reads.inc({ target, reason });
    },
  };
}
