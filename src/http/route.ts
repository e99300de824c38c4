import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
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

/** What a value is, in JSON's words: null, array, object, string, number, boolean. */
function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/**
 * The value a client sent at `path`, or `found: false` if a key on the way
 * is absent. zod 4 keeps the offending value out of its issues unless asked
 * (reportInput), and asking makes every ZodError JSON.stringify its input:
 * slow on big bodies, a stack overflow on deeply nested ones. So look it up.
 */
function sentAt(root: unknown, path: PropertyKey[]): { found: boolean; value?: unknown } {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return { found: false };
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return { found: value !== undefined, value };
}

/** A zod issue as FastAPI-style field errors: "missing" only for what is absent, else what was expected. */
function fieldErrors(issue: z.core.$ZodIssue, sent: unknown, where: 'path' | 'query' | 'body'): FieldError[] {
  const loc = [where, ...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part))];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ loc: [...loc, key], msg: 'unknown field', type: 'unrecognized_keys' }));
  }
  if (issue.code === 'invalid_type') {
    const { found, value } = sentAt(sent, issue.path);
    if (!found) return [{ loc, msg: 'field required', type: 'missing' }];
    // ?limit=1&limit=2 arrives as an array: the parameter was repeated.
    if (where === 'query' && Array.isArray(value)) {
      return [{ loc, msg: `must be given once, got ${value.length} values`, type: 'invalid_type' }];
    }
    return [{ loc, msg: `expected ${issue.expected}, got ${jsonKind(value)}`, type: 'invalid_type' }];
  }
  return [{ loc, msg: issue.message, type: issue.code }];
}

function check(schema: Schema | undefined, value: unknown, where: 'path' | 'query' | 'body', errors: FieldError[]): unknown {
  if (!schema) return undefined;
  // A body of JSON `null` is a body that is not an object, not a missing one: keep it.
  const sent = where === 'body' ? value : (value ?? {});
  const result = schema.safeParse(sent);
  if (result.success) return result.data;
  for (const issue of result.error.issues) errors.push(...fieldErrors(issue, sent, where));
  return undefined;
}

/**
 * Serves a route: read the body if it takes one (`readBody`), validate
 * params, query and body; run the handler; send its reply.
 */
export function mount(router: Router, route: AnyRoute, readBody: RequestHandler): void {
  const expressPath = route.path.replace(/\{(\w+)\}/g, ':$1');
  const before = route.body ? [readBody] : [];
  router[route.method](expressPath, ...before, async (req: Request, res: Response, next: NextFunction) => {
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
    responses[400] = { description: 'The body is not valid JSON, or not valid UTF-8' };
    responses[413] = { description: 'The body is larger than the limit (16 KiB)' };
    responses[415] = { description: 'The body is not application/json' };
  }
  if (route.database !== false) responses[503] = { description: 'The database is away; retry after Retry-After seconds' };
  return responses;
}

/** Documents a route in the OpenAPI registry, from the same schemas; `secured`: it needs a bearer token. */
export function describe(registry: OpenAPIRegistry, route: AnyRoute, secured = false): void {
  const responses = {
    ...commonResponses(route),
    ...(secured ? { 401: { description: 'No bearer token, or not one of API_TOKENS (WWW-Authenticate: Bearer)' } } : {}),
    ...route.responses,
  };
  const config: RouteConfig = {
    method: route.method,
    path: route.path,
    summary: route.summary,
    tags: route.tags,
    ...(secured ? { security: [{ bearerAuth: [] }] } : {}),
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
