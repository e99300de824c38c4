import databasesPg, { type ConnectionPool } from '@databases/pg';
import { redactSecrets } from '../config/redact.ts';
import { nameStatementsOn } from './named-statements.ts';
import type { QueryHooks } from './query-spans.ts';
import { tlsOptions } from '../postgres/tls.ts';

/**
 * The one connection pool of the process (@databases/pg).
 *
 * - TLS: `sslmode=verify-full|verify-ca|require` in the URL turns certificate
 *   verification on (@databases/pg alone would encrypt without verifying).
 * - PgBouncer (Neon's pooled endpoint) rejects startup parameters, so none
 *   are sent: no pool-level timeouts, no search_path.
 * - A connection that the server dropped (Neon suspends idle computes: 57P01)
 *   is discarded by the pool; the next query gets a fresh one.
 */
export interface PoolOptions {
  url: string;
  size?: number;
  onError?: (error: Error) => void;
  /** Called as each query starts (tests count queries with it). */
  onQueryStart?: () => void;
  /** Run the hot queries as named prepared statements (named-statements.ts; default true: DATABASE_PREPARED_STATEMENTS). */
  preparedStatements?: boolean;
  /** Called once if the pool finds it cannot keep prepared statements (a pooler without them), with what to do. */
  onPreparedStatementsOff?: (message: string) => void;
  /** Called each time a prepared query is sent again unnamed (metrics). */
  onPreparedStatementFallback?: (reason: 'pooler' | 'result-type') => void;
  /** Per-query hooks: a span per query, failed queries counted (query-spans.ts). */
  hooks?: QueryHooks;
}

// @databases/pg is CommonJS; under NodeNext its default export is `.default`.
const createConnectionPool = databasesPg.default;

export function createPool({
  url,
  size = 10,
  onError,
  onQueryStart,
  preparedStatements = true,
  onPreparedStatementsOff,
  onPreparedStatementFallback,
  hooks,
}: PoolOptions): ConnectionPool {
  const { connectionString, ssl } = tlsOptions(url);
  const pool = createConnectionPool({
    connectionString,
    ssl,
    poolSize: size,
    bigIntMode: 'number',
    connectionTimeoutMilliseconds: 5_000,
    queueTimeoutMilliseconds: 10_000,
    idleTimeoutMilliseconds: 30_000,
    ...(hooks ?? {}),
    ...(onQueryStart ? { onQueryStart: (query, formatted) => (hooks?.onQueryStart(query, formatted), onQueryStart()) } : {}),
    onError: (error) => {
      error.message = redactSecrets(error.message);
      onError?.(error);
    },
  });
  if (preparedStatements) nameStatementsOn(pool, { onOff: onPreparedStatementsOff, onFallback: onPreparedStatementFallback });
  return pool;
}
