import { sql, type Queryable } from '@databases/pg';
import { z } from 'zod';
import { shuttingDown, type Drain } from '../drain.ts';
import { databaseUnavailable } from '../problems.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

const Status = z.object({ status: z.literal('ok') }).openapi('Status');

const Readiness = z
  .object({
    status: z.literal('ok'),
    replicas: z
      .array(
        z.object({
          replica: z.number().int().describe('1-based, in DATABASE_READ_URL’s order'),
          up: z.boolean().describe('Takes reads; false: reads go to the primary'),
          reason: z.string().optional().describe('Why it is out: down, lagging beyond DATABASE_READ_MAX_LAG_MS, not a standby'),
          lag_ms: z.number().optional().describe('How far behind the primary it was at the last check'),
        }),
      )
      .optional()
      .describe('Only when DATABASE_READ_URL is set: each read replica’s state. A replica out does not make the server unready.'),
  })
  .openapi('Readiness');

/** `replicas`: the read replicas' states (read-replicas.ts), when DATABASE_READ_URL is set. */
export function healthRoutes(
  db: Queryable,
  replicas?: () => { replica: number; up: boolean; reason?: string | undefined; lagMs?: number | undefined }[],
  drain?: Drain,
): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'getHealth',
      summary: 'The process is up (no database call)',
      description: 'Liveness: answers without touching the database.',
      tags: ['operations'],
      // Never behind a token: a load balancer's probe has none.
      access: { resource: 'healthz', read: 'public' },
      database: false,
      responses: { 200: { description: 'Up', schema: Status } },
      handle: async () => ({ body: { status: 'ok' } }),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      operationId: 'getReadiness',
      summary: 'The database answers',
      description:
        'Readiness: one `SELECT 1` on the primary; a 503 while it is away. With read replicas, each one’s state too ' +
        '(a replica that is out does not make the server unready: its reads go to the primary).',
      tags: ['operations'],
      access: { resource: 'readyz', read: 'public' },
      readsPrimary: true,
      responses: {
        200: { description: 'Ready', schema: Readiness },
        503: { description: 'The database cannot be reached, or this instance is shutting down (SHUTDOWN_DELAY_MS)' },
      },
      handle: async () => {
        if (drain?.draining) throw shuttingDown();
        try {
          await db.query(sql`SELECT 1`);
        } catch {
          throw databaseUnavailable();
        }
        if (!replicas) return { body: { status: 'ok' } };
        const states = replicas().map(({ replica, up, reason, lagMs }) => ({
          replica,
          up,
          ...(reason === undefined ? {} : { reason }),
          ...(lagMs === undefined ? {} : { lag_ms: lagMs }),
        }));
        return { body: { status: 'ok', replicas: states } };
      },
    }),
  ];
}
