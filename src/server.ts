import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createLogger } from './config/logger.ts';
import { databaseProblem } from './postgres/connection-problem.ts';
import type { Env } from './config/env.ts';
import { limitHeapGrowth } from './config/heap.ts';
import { writeAccess } from './http/write-access.ts';
import { assertCanListen, listenError } from './config/listen-address.ts';
import { redactSecrets } from './config/redact.ts';
import { applyMigrations } from './migrate/apply.ts';
import { seedIfEmpty } from './db/seed.ts';
import { createPool } from './db/pool.ts';
import { resolveTargets } from './postgres/targets.ts';
import { createApp } from './http/app.ts';
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
  const auth = writeAccess(config); // refuses an open remote database before anything starts
  await assertCanListen(config.PORT, config.HOST);
  const targets = await resolveTargets((line) => logger.info(line), config);
  if (targets.embedded || config.MIGRATE_ON_START) {
    const { applied } = await applyMigrations(targets.migrate, {
      dev: targets.dev,
      log: (line) => logger.info(line),
      lockTimeoutMs: config.MIGRATION_LOCK_TIMEOUT_MS,
      lockRetries: config.MIGRATION_LOCK_RETRIES,
      retryDelayMs: config.MIGRATION_LOCK_RETRY_DELAY_MS,
    });
    if (applied.length > 0) logger.info({ url: redactSecrets(targets.migrate), applied }, `applied ${applied.length} migration(s)`);
  }
  const pool = createPool({
    url: targets.app,
    size: config.DATABASE_POOL_SIZE,
    onError: (error) => logger.warn({ err: error.message }, 'database connection error'),
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
    onPreparedStatementsOff: (message) => logger.warn(message),
  });
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

  const app = createApp({
    db: pool,
    logger,
    auth,
    corsOrigins: config.CORS_ORIGINS,
    document: { publicUrl: config.PUBLIC_URL, contact: config.API_CONTACT, license: config.API_LICENSE },
  });
  const server = createHttpServer(app, config).listen(config.PORT, config.HOST);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error) => reject(listenError(error, config.PORT, config.HOST)));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
  logger.info({ url, database: redactSecrets(targets.app) }, 'serving');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 10_000);
      await closed;
      clearTimeout(force);
      await pool.dispose();
    })());
  return { url, server, close };
}

/** SIGTERM/SIGINT: finish in-flight requests, close the pool, exit 0. */
export function closeOnSignals(running: RunningServer, logger: Logger): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down: finishing in-flight requests');
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
    });
  }
}
