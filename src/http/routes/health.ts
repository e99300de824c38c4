import { sql, type Queryable } from '@databases/pg';
import { z } from 'zod';
import { databaseUnavailable } from '../problems.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

const Status = z.object({ status: z.literal('ok') }).openapi('Status');

export function healthRoutes(db: Queryable): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'getHealth',
      summary: 'The process is up (no database call)',
      description: 'Liveness: answers without touching the database.',
      tags: ['operations'],
      database: false,
      responses: { 200: { description: 'Up', schema: Status } },
      handle: async () => ({ body: { status: 'ok' } }),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      operationId: 'getReadiness',
      summary: 'The database answers',
      description: 'Readiness: one `SELECT 1`; a 503 while the database is away.',
      tags: ['operations'],
      responses: { 200: { description: 'Ready', schema: Status }, 503: { description: 'The database cannot be reached' } },
      handle: async () => {
        try {
          await db.query(sql`SELECT 1`);
        } catch {
          throw databaseUnavailable();
        }
        return { body: { status: 'ok' } };
      },
    }),
  ];
}
