import type { ConnectionPool } from '@databases/pg';
import type { PoolStats } from '../config/metrics.ts';

/** The counters @databases/connection-pool keeps (its `_pool`, which @databases/pg does not expose in its types). */
interface InnerPool {
  getConnectionsCount(): number;
  getIdleConnectionsCount(): number;
  getQueueLength(): number;
}

/**
 * A pool's connections right now: open, idle, and queries waiting for one.
 * @databases/pg keeps these in its inner pool without a public accessor; if
 * a later version drops them, the numbers read -1 rather than a wrong 0
 * (an alert on "waiting > 0" must not be silenced by an upgrade).
 */
export function poolStats(pool: ConnectionPool): PoolStats {
  const inner = (pool as unknown as { _pool?: Partial<InnerPool> })._pool;
  const read = (method: keyof InnerPool) => (typeof inner?.[method] === 'function' ? inner[method]() : -1);
  return { size: read('getConnectionsCount'), idle: read('getIdleConnectionsCount'), waiting: read('getQueueLength') };
}
