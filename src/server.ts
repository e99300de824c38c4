import type { Server } from 'node:http';
import { constants as osConstants } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createLogger } from './config/logger.ts';
import { databaseProblem } from './postgres/connection-problem.ts';
import type { Env } from './config/env.ts';
import { limitHeapGrowth, stopPretenuring } from './config/heap.ts';
import { writeAccess } from './http/write-access.ts';
import { assertCanListen, listenError, listenHost } from './config/listen-address.ts';
import { redactSecrets } from './config/redact.ts';
import { applyMigrations } from './migrate/apply.ts';
import { whileMigrationLockHeld } from './migrate/start-lock.ts';
import { seedIfEmpty } from './db/seed.ts';
import { createMetrics } from './config/metrics.ts';
import { createPool } from './db/pool.ts';
import { poolStats } from './db/pool-stats.ts';
import { querySpans } from './db/query-spans.ts';
import { ReplicaSet } from './db/read-replicas.ts';
import { checkMetricsConfig, createMetricsServer } from './http/metrics-server.ts';
import type { ConnectionPool } from '@databases/pg';
import { resolveTargets } from './postgres/targets.ts';
import { createApp } from './http/app.ts';
import type { Drain } from './http/drain.ts';
import { createHttpServer } from './http/http-server.ts';

/**
 * `npm start`: serve on PORT (8000). Without DATABASE_URL: start the embedded
 * Postgres, apply pending migrations and seed the guide's data if empty. With
 * DATABASE_URL: only serve (migrations are a deploy step) unless
 * MIGRATE_ON_START=1.
 */
export interface RunningServer {
  url: string;
  server: Server;
  /** Stops accepting, finishes in-flight requests, closes the pool. */
  close(): Promise<void>;
}

export async function startServer(config: Env, logger: Logger = createLogger(config.LOG_LEVEL)): Promise<RunningServer> {
  limitHeapGrowth(config.HEAP_GROWTH_PERCENT);
  stopPretenuring();
  const auth = writeAccess(config); // refuses an open remote database before anything starts
  checkMetricsConfig(config);
  const { host, note } = listenHost(config.HOST, auth.tokens.length === 0);
  await assertCanListen(config.PORT, host);
  if (config.METRICS_PORT !== undefined) await assertCanListen(config.METRICS_PORT, config.METRICS_HOST);
  const metrics = config.METRICS_PORT === undefined ? undefined : await createMetrics();
  const targets = await resolveTargets((line) => logger.info(line), config);
  if (!(targets.embedded || config.MIGRATE_ON_START)) metrics?.gateVerdict('not-run', 0, 0);
  if (targets.embedded || config.MIGRATE_ON_START) {
    // One instance at a time (start-lock.ts): several starting together share the dev database and the pending files.
    const { applied, warnings } = await whileMigrationLockHeld(
      targets.migrate,
      (line) => logger.info(line),
      () =>
        applyMigrations(targets.migrate, {
          dev: targets.dev,
          log: (line) => logger.info(line),
          lockTimeoutMs: config.MIGRATION_LOCK_TIMEOUT_MS,
          lockRetries: config.MIGRATION_LOCK_RETRIES,
          retryDelayMs: config.MIGRATION_LOCK_RETRY_DELAY_MS,
        }),
    );
    if (applied.length > 0) logger.info({ url: redactSecrets(targets.migrate), applied }, `applied ${applied.length} migration(s)`);
    metrics?.gateVerdict(applied.length > 0 ? 'accepted' : 'nothing-pending', applied.length, warnings);
  }
  const poolFor = (url: string, name: string) => {
    const pool = createPool({
      url,
      size: config.DATABASE_POOL_SIZE,
      onError: (error) => logger.warn({ err: error.message, pool: name }, 'database connection error'),
      preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
      onPreparedStatementsOff: (message) => logger.warn(message),
      onPreparedStatementFallback: metrics && ((reason) => metrics.preparedStatementFallback(reason)),
      hooks: querySpans(name, metrics && ((code) => metrics.databaseError(name, code))),
    });
    metrics?.watchPool(name, () => poolStats(pool));
    return pool;
  };
  const pool = poolFor(targets.app, 'primary');
  const replicas = await startReplicas(config, pool, poolFor, logger);
  if (replicas)
    metrics?.watchReplicas(() =>
      replicas
        .statuses()
        .map(({ replica, up, lagMs }) => ({ replica: String(replica), up, lagSeconds: lagMs === undefined ? NaN : lagMs / 1000 })),
    );
  if (targets.embedded && (await seedIfEmpty(pool))) logger.info('seeded the guide’s authors and books');
  if (!targets.embedded) {
    const problem = await databaseProblem(pool, targets.app);
    if (problem) {
      logger.warn(
        { database: redactSecrets(targets.app) },
        `the database does not answer: ${problem}. Serving anyway: /readyz and requests that need the database answer 503 until it does`,
      );
    }
  }

  const drain: Drain = { draining: false };
  const app = createApp({
    db: pool,
    logger,
    auth,
    corsOrigins: config.CORS_ORIGINS,
    document: { publicUrl: config.PUBLIC_URL, contact: config.API_CONTACT, license: config.API_LICENSE },
    ...(metrics ? { metrics } : {}),
    ...(replicas ? { replicas: { set: replicas, waitMs: config.DATABASE_READ_WAIT_MS } } : {}),
    drain,
  });
  const metricsServer = metrics && createMetricsServer(metrics, config.METRICS_TOKEN);
  if (metricsServer) {
    const metricsPort = await listenOn(metricsServer, config.METRICS_PORT!, config.METRICS_HOST);
    logger.info({ url: `http://${config.METRICS_HOST}:${metricsPort}/metrics`, token: config.METRICS_TOKEN !== undefined }, 'metrics');
  }
  const server = createHttpServer(app, config, { logger });
  const port = await listenOn(server, config.PORT, host);
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  if (note) logger.info({ host }, note);
  logger.info({ url, database: redactSecrets(targets.app) }, 'serving');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      if (config.SHUTDOWN_DELAY_MS > 0) {
        drain.draining = true;
        logger.info(
          { ms: config.SHUTDOWN_DELAY_MS },
          'draining: /readyz answers 503 and answers close their connections until the load balancer moves on',
        );
        await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DELAY_MS));
      }
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 10_000);
      await closed;
      clearTimeout(force);
      replicas?.stop();
      metricsServer?.close();
      metricsServer?.closeAllConnections();
      await Promise.all([pool.dispose(), ...(replicas?.pools.map((replica) => replica.dispose()) ?? [])]);
    })());
  return { url, server, close };
}

/** Listens; the port it got (PORT=0 picks a free one); a message saying what to do if it cannot. */
async function listenOn(server: Server, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error) => reject(listenError(error, port, host)));
  });
  return (server.address() as AddressInfo).port;
}

/** DATABASE_READ_URL's replicas, checked once before serving and then every DATABASE_READ_CHECK_MS; undefined without any. */
async function startReplicas(
  config: Env,
  primary: ConnectionPool,
  poolFor: (url: string, name: string) => ConnectionPool,
  logger: Logger,
): Promise<ReplicaSet | undefined> {
  if (config.DATABASE_READ_URL.length === 0) return undefined;
  const set = new ReplicaSet({
    primary,
    replicas: config.DATABASE_READ_URL.map((url, i) => poolFor(url, `replica ${i + 1}`)),
    maxLagMs: config.DATABASE_READ_MAX_LAG_MS,
    checkEveryMs: config.DATABASE_READ_CHECK_MS,
    onChange: ({ replica, up, reason, detail }) =>
      up
        ? logger.info({ replica }, 'read replica back: reads go to it again')
        : logger.warn(
            { replica, reason, ...(detail ? { err: redactSecrets(detail) } : {}) },
            'read replica taken out: its reads go to the primary',
          ),
  });
  await set.start();
  for (const { replica, up, reason, detail } of set.statuses()) {
    const why = { ...(reason ? { reason } : {}), ...(detail ? { err: redactSecrets(detail) } : {}) };
    logger.info({ replica, url: redactSecrets(config.DATABASE_READ_URL[replica - 1]!), up, ...why }, 'read replica');
  }
  return set;
}

/**
 * Repeats of a signal closer together than this are one signal: Ctrl-C in a
 * terminal reaches the server twice within milliseconds (from the terminal,
 * and forwarded by `npm start`), and that must not count as "a second signal".
 */
export const repeatedSignalMs = 500;

/**
 * SIGTERM/SIGINT: finish in-flight requests, close the pool, exit 0. A second
 * signal (more than repeatedSignalMs later) exits at once with 128 + its number,
 * as a shell reports a process killed by it: for the operator who does not
 * want to wait for a slow request.
 */
export function closeOnSignals(running: RunningServer, logger: Logger): void {
  let first: number | undefined;
  const onSignal = (signal: 'SIGTERM' | 'SIGINT') => {
    const now = performance.now();
    if (first === undefined) {
      first = now;
      logger.info({ signal }, 'shutting down: finishing in-flight requests (a second signal exits at once)');
      running.close().then(
        () => {
          logger.info('shut down cleanly');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: redactSecrets(String(error)) }, 'shutdown failed');
          process.exit(1);
        },
      );
    } else if (now - first > repeatedSignalMs) {
      logger.warn({ signal }, 'second signal: exiting now, in-flight requests are cut');
      process.exit(128 + osConstants.signals[signal]);
    }
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
