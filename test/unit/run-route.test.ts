import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpProblem } from '../../src/http/problems.ts';
import { defineRoute, runRoute } from '../../src/http/route.ts';

/** A query schema that counts its parses, around `shape`. */
function countingQuery(shape: z.ZodType) {
  const counter = { parses: 0 };
  const schema = z.unknown().transform((value, ctx) => {
    counter.parses++;
    const result = shape.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue({ ...issue, input: value } as never);
    return z.NEVER;
  });
  return { schema, counter };
}

function listRoute(query: z.ZodType) {
  return defineRoute({
    method: 'get',
    path: '/things',
    operationId: 'listThings',
    summary: 'things',
    description: 'things',
    tags: ['things'],
    query,
    responses: { 200: { description: 'things' } },
    handle: async ({ query: parsed }) => ({ body: parsed }),
  });
}

const request = (url: string, query: Record<string, unknown> = {}) => ({ url, params: {}, query, body: undefined }) as unknown as Request;

describe('runRoute: a request with no query string', () => {
  it('gets what the query schema makes of no query, parsed once per route rather than on every request', async () => {
    const { schema, counter } = countingQuery(z.strictObject({ limit: z.string().default('50'), after: z.string().optional() }));
    const route = listRoute(schema);
    const first = await runRoute(route, request('/things'));
    const second = await runRoute(route, request('/things'));
    expect(first.body).toEqual({ limit: '50' });
    expect(second.body).toBe(first.body);
    expect(Object.isFrozen(second.body)).toBe(true);
    expect(counter.parses).toBe(1);

    // With a query string (even an empty one) the request's own query is parsed.
    expect((await runRoute(route, request('/things?limit=5', { limit: '5' }))).body).toEqual({ limit: '5' });
    expect((await runRoute(route, request('/things?', {}))).body).toEqual({ limit: '50' });
    expect(counter.parses).toBe(3);
  });

  it('is still refused when the schema needs a parameter (nothing cached but the refusal)', async () => {
    const { schema, counter } = countingQuery(z.strictObject({ q: z.string() }));
    const route = listRoute(schema);
    for (let i = 0; i < 2; i++) {
      const error = await runRoute(route, request('/things')).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(HttpProblem);
      expect((error as HttpProblem).status).toBe(422);
      expect((error as HttpProblem).errors?.map((e) => e.loc.join('.'))).toEqual(['query.q']);
    }
    expect(counter.parses).toBe(3); // once to learn that no query is refused, then each request's own check
  });
});
