import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { NextFunction, Request, Response, Router } from 'express';
import type { z } from 'zod';
import { invalid, type FieldError } from './problems.ts';
import { Problem } from './schemas.ts';
import { sendJson } from './send.ts';

/**
 * A route as data: its schemas validate the request *and* document it in
 * OpenAPI, so the two cannot drift apart.
 */
type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteSpec<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined> {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** OpenAPI style: /books/{author_id} */
  path: string;
  summary: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, { description: string; schema?: Schema }>;
  /** false for routes that never touch the database (no 503). */
  database?: boolean;
  handle: (input: { params: Out<P>; query: Out<Q>; body: Out<B> }, req: Request) => Promise<Reply>;
}

export type AnyRoute = RouteSpec<any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function defineRoute<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec<P, Q, B> {
  return spec;
}

function check(schema: Schema | undefined, value: unknown, where: 'path' | 'query' | 'body', errors: FieldError[]): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const loc = [where, ...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part))];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ loc: [...loc, key], msg: 'unknown field', type: 'unrecognized_keys' });
    } else if (issue.code === 'invalid_type' && issue.input === undefined) {
      errors.push({ loc, msg: 'field required', type: 'missing' });
    } else {
      errors.push({ loc, msg: issue.message, type: issue.code });
    }
  }
  return undefined;
}

/** Serves a route: validate params, query and body; run the handler; send its reply. */
export function mount(router: Router, route: AnyRoute): void {
  const expressPath = route.path.replace(/\{(\w+)\}/g, ':$1');
  router[route.method](expressPath, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const errors: FieldError[] = [];
      const params = check(route.params, req.params, 'path', errors);
      const query = check(route.query, req.query, 'query', errors);
      const body = check(route.body, req.body, 'body', errors);
      if (errors.length > 0) throw invalid(errors);
      const reply = await route.handle({ params, query, body }, req);
      if (reply.headers) for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
      if (reply.body === undefined) res.status(reply.status ?? 204).end();
      else sendJson(res, reply.status ?? 200, reply.body);
    } catch (error) {
      next(error);
    }
  });
}

/** Answers every route can give besides its own (see error-handler.ts). */
function commonResponses(route: AnyRoute): Record<number, { description: string }> {
  const responses: Record<number, { description: string }> = {};
  if (route.params || route.query || route.body) {
    responses[422] = { description: 'Invalid path, query or body (field detail in `errors`)' };
  }
  if (route.body) {
    responses[400] = { description: 'The body is not valid JSON' };
    responses[413] = { description: 'The body is larger than the limit (16 KiB)' };
    responses[415] = { description: 'The body is not application/json' };
  }
  if (route.database !== false) responses[503] = { description: 'The database is away; retry after Retry-After seconds' };
  return responses;
}

/** Documents a route in the OpenAPI registry, from the same schemas. */
export function describe(registry: OpenAPIRegistry, route: AnyRoute): void {
  const responses = { ...commonResponses(route), ...route.responses };
  const config: RouteConfig = {
    method: route.method,
    path: route.path,
    summary: route.summary,
    tags: route.tags,
    request: {
      ...(route.params ? { params: route.params } : {}),
      ...(route.query ? { query: route.query } : {}),
      ...(route.body ? { body: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
    },
    responses: Object.fromEntries(
      Object.entries(responses).map(([status, { description, schema }]: [string, { description: string; schema?: Schema }]) => {
        const isProblem = Number(status) >= 400;
        const content = schema
          ? { [isProblem ? 'application/problem+json' : 'application/json']: { schema } }
          : isProblem
            ? { 'application/problem+json': { schema: Problem } }
            : undefined;
        return [status, { description, ...(content ? { content } : {}) }];
      }),
    ),
  };
  registry.registerPath(config);
}
