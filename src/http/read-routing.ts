import type { Request } from 'express';
import type { Metrics } from '../config/metrics.ts';
import { parseLsn, type ReplicaSet } from '../db/read-replicas.ts';
import { invalid } from './problems.ts';
import type { AnyRoute, Reply } from './route.ts';

/**
 * Which database a request reads (DATABASE_READ_URL): a GET to a replica
 * that is up, everything else to the primary. Read-your-writes: a write's
 * answer carries the primary's WAL position after it committed, in
 * `x-read-after-lsn`; a read that sends it back in the same header is served
 * by a replica only once that replica has replayed that position (waiting at
 * most DATABASE_READ_WAIT_MS), else by the primary. A read on a replica
 * that fails because the replica is away is sent to the primary (reads are
 * safe to repeat) and the replica is taken out at once.
 */
const readAfterHeader = 'x-read-after-lsn';

export interface ReadRouting {
  /** Runs `route` for `req` where it belongs; `runRoute` runs a route (route.ts). */
  run(route: AnyRoute, req: Request, runRoute: (route: AnyRoute, req: Request) => Promise<Reply>): Promise<Reply>;
}

export interface ReadRoutingOptions {
  replicas: ReplicaSet;
  /** The same routes built on each replica's pool, in the order of `routes` and of replicas.pools. */
  routes: AnyRoute[];
  replicaRoutes: AnyRoute[][];
  /** How long a read with x-read-after-lsn waits for a replica to catch up before it goes to the primary. */
  waitMs: number;
  metrics?: Metrics | undefined;
}

/** A GET whose route reads the database and may read a replica (not /readyz, which is about the primary). */
function readsReplica(route: AnyRoute): boolean {
  return route.method === 'get' && route.database !== false && route.readsPrimary !== true;
}

export function readRouting({ replicas, routes, replicaRoutes, waitMs, metrics }: ReadRoutingOptions): ReadRouting {
  const twins = new Map<AnyRoute, AnyRoute[]>(routes.map((route, i) => [route, replicaRoutes.map((set) => set[i]!)]));
  return {
    async run(route, req, runRoute) {
      if (!readsReplica(route)) {
        const reply = await runRoute(route, req);
        if (route.method !== 'get' && route.database !== false) {
          // The write has committed (the pool runs each statement in its own transaction): its position is at or before this one.
          reply.headers = { ...reply.headers, [readAfterHeader]: await replicas.writePosition() };
        }
        return reply;
      }
      const sent = req.headers[readAfterHeader];
      let atLeast: bigint | undefined;
      if (sent !== undefined) {
        atLeast = typeof sent === 'string' ? parseLsn(sent.trim()) : undefined;
        if (atLeast === undefined) {
          throw invalid([
            {
              loc: ['header', readAfterHeader],
              msg: 'must be a WAL position as a write’s answer gave it, such as 0/16B3748',
              type: 'value_error',
            },
          ]);
        }
      }
      const { index, reason } = await replicas.choose(atLeast, waitMs);
      if (index < 0) {
        metrics?.readRouted('primary', reason);
        return runRoute(route, req);
      }
      metrics?.readRouted('replica', 'replica');
      try {
        return await runRoute(twins.get(route)![index]!, req);
      } catch (error) {
        if (!replicas.failed(index, error)) throw error;
        metrics?.readRouted('primary', 'replica-failed');
        return runRoute(route, req);
      }
    },
  };
}
