import type { OpenAPIRegistry, ResponseConfig, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Request } from 'express';
import type { z } from 'zod';
import type { Callers, RouteAccess } from './auth.ts';
import { capErrors, countQueryParameters, maxQueryParameters } from './error-list.ts';
import { invalid, type FieldError } from './problems.ts';
import { Problem } from './schemas.ts';

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

/** A response header as OpenAPI declares it. */
export interface HeaderSpec {
  description: string;
  required?: boolean;
  schema: { type: 'string' | 'integer'; pattern?: string; minimum?: number };
}

interface ResponseSpec {
  description: string;
  schema?: Schema;
  headers?: Record<string, HeaderSpec>;
}

/** `Link: </authors?limit=50&after=53>; rel="next"` on a full page (resource-routes.ts). */
export const linkHeader: HeaderSpec = {
  description: 'On a full page: `<next page>; rel="next"`. Absent on the last page.',
  schema: { type: 'string', pattern: '^<[^>]+>; rel="next"$' },
};

/** `Location` of what a 201 created. */
export const locationHeader: HeaderSpec = {
  description: 'The path of the created resource',
  required: true,
  schema: { type: 'string', pattern: '^/' },
};

export interface RouteSpec<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined> {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** OpenAPI style: /books/{author_id} */
  path: string;
  /** The name a generated client gives the operation. */
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, ResponseSpec>;
  /** false for routes that never touch the database (no 503). */
  database?: boolean;
  /**
   * Query parameters the route refuses with a reason of its own, checked
   * before `query` (which would only call them unknown): e.g. a filter on a
   * column with no index (resource-routes.ts). Not in the document.
   */
  refuseQuery?: (query: Record<string, unknown>) => FieldError[];
  /** A GET that must read the primary even when read replicas are configured (readiness is about the primary). */
  readsPrimary?: boolean;
  /** Who may call it, if not as the server's default says (auth.ts): a resource's `access`, the probes' public reads. */
  access?: RouteAccess;
  handle: (input: { params: Out<P>; query: Out<Q>; body: Out<B> }, req: Request) => Promise<Reply>;
}

export type AnyRoute = RouteSpec<any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any route, whatever its params, query and body types

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
    // JSON.parse reads 1e400 as Infinity: a number, but not one any column can hold.
    if (typeof value === 'number' && !Number.isFinite(value)) {
      return [{ loc, msg: 'must be a finite number: this one is too large (or small) to represent', type: 'invalid_type' }];
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
 * A route's answer to a request: params, query and body (already read)
 * validated against its schemas (a 422 naming every bad field), then its
 * handler. serve-api.ts sends the reply.
 */
export async function runRoute(route: AnyRoute, req: Request): Promise<Reply> {
  const errors: FieldError[] = [];
  const params = check(route.params, req.params, 'path', errors);
  const query = route.query ? checkQuery(route, req, errors) : undefined;
  const body = check(route.body, req.body, 'body', errors);
  if (errors.length > 0) throw invalid(capErrors(errors));
  return route.handle({ params, query, body }, req);
}

/**
 * What a route's query schema makes of no query at all (`GET /authors`),
 * worked out once per route: the guide's reads and most list requests have
 * no query string, and zod's parse of a list's query object (a dozen
 * optional filters) was a measurable part of such a read's CPU. Frozen, as
 * every request shares it; absent when the schema refuses an empty query.
 */
const emptyQueries = new WeakMap<AnyRoute, { value: unknown } | null>();

function emptyQueryOf(route: AnyRoute): { value: unknown } | null {
  let known = emptyQueries.get(route);
  if (known === undefined) {
    const result = (route.query as Schema).safeParse({});
    known = result.success ? { value: Object.freeze(result.data) } : null;
    emptyQueries.set(route, known);
  }
  return known;
}

function checkQuery(route: AnyRoute, req: Request, errors: FieldError[]): unknown {
  const parameters = countQueryParameters(req.url);
  if (parameters === 0 && !req.url.includes('?')) {
    const empty = emptyQueryOf(route);
    if (empty) return empty.value;
  }
  if (parameters > maxQueryParameters) {
    throw invalid([
      { loc: ['query'], msg: `too many query parameters: ${parameters} (at most ${maxQueryParameters})`, type: 'too_many_parameters' },
    ]);
  }
  let sentQuery = req.query as Record<string, unknown>;
  if (route.refuseQuery) {
    const refused = route.refuseQuery(sentQuery);
    if (refused.length > 0) {
      errors.push(...refused);
      const names = new Set(refused.map((error) => error.loc[1]));
      sentQuery = Object.fromEntries(Object.entries(sentQuery).filter(([name]) => !names.has(name)));
    }
  }
  return check(route.query, sentQuery, 'query', errors);
}

/**
 * Answers every route can give besides its own, declared once in
 * `components.responses` and referenced: from validation (422), from the
 * body reader (400, 413, 415; error-handler.ts), from the method check (405
 * with `Allow`, for another method on the same path; allowed-methods.ts),
 * from Node before the app sees the request (400, 408, 417, 431;
 * protocol-errors.ts), and from a database that is away (503).
 */
const shared: Record<string, { status: number; spec: ResponseSpec }> = {
  BadRequest: { status: 400, spec: { description: 'The request is not valid HTTP; or its body is not valid JSON, or not valid UTF-8' } },
  MethodNotAllowed: {
    status: 405,
    spec: {
      description: 'Another method on this path, which it does not serve',
      headers: {
        Allow: { description: 'The methods this path serves', required: true, schema: { type: 'string', pattern: '^[A-Z]+(, [A-Z]+)*$' } },
      },
    },
  },
  Unauthorized: {
    status: 401,
    spec: {
      description: 'No bearer token, or not one of API_TOKENS',
      headers: {
        'WWW-Authenticate': {
          description: 'Bearer realm="bookshelf" (with error="invalid_token" for a wrong one)',
          required: true,
          schema: { type: 'string' },
        },
      },
    },
  },
  Forbidden: {
    status: 403,
    spec: { description: 'A valid bearer token, of a caller this operation is not for (the callers it is for: in its description)' },
  },
  RequestTimeout: {
    status: 408,
    spec: { description: 'The request did not arrive within the server’s time limits (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS)' },
  },
  Conflict: {
    status: 409,
    spec: { description: 'The database refused the write: a unique, exclusion or foreign-key constraint (named in `errors`)' },
  },
  PayloadTooLarge: { status: 413, spec: { description: 'The body is larger than the limit (16 KiB)' } },
  UnsupportedMediaType: { status: 415, spec: { description: 'The body is not application/json' } },
  ExpectationFailed: { status: 417, spec: { description: 'An `Expect` header the server does not support' } },
  ValidationFailed: { status: 422, spec: { description: 'Invalid path, query or body (field detail in `errors`)' } },
  HeadersTooLarge: { status: 431, spec: { description: 'The request headers are too large' } },
  DatabaseUnavailable: {
    status: 503,
    spec: {
      description: 'The database is away; retry after Retry-After seconds',
      headers: {
        'Retry-After': { description: 'Seconds to wait before retrying', required: true, schema: { type: 'integer', minimum: 0 } },
      },
    },
  },
};

/** The shared answers a route can give, by status: the names of their components; `callers`: 401 (and 403) too. */
function commonResponses(route: AnyRoute, callers: Callers): Record<number, string> {
  const names = ['BadRequest', 'MethodNotAllowed', 'RequestTimeout', 'ExpectationFailed', 'HeadersTooLarge'];
  if (callers !== 'public') names.push('Unauthorized');
  if (typeof callers !== 'string') names.push('Forbidden');
  if (route.params || route.query || route.body) names.push('ValidationFailed');
  if (route.body) names.push('PayloadTooLarge', 'UnsupportedMediaType');
  if (route.body || route.method === 'delete') names.push('Conflict');
  if (route.database !== false) names.push('DatabaseUnavailable');
  return Object.fromEntries(names.map((name) => [shared[name]!.status, name]));
}

/** A response as OpenAPI has it: an error's body is a problem unless it says otherwise. */
function responseConfig(status: number, { description, schema, headers }: ResponseSpec): ResponseConfig {
  const isProblem = status >= 400;
  const content = schema
    ? { [isProblem ? 'application/problem+json' : 'application/json']: { schema } }
    : isProblem
      ? { 'application/problem+json': { schema: Problem } }
      : undefined;
  return {
    description,
    ...(headers ? { headers: headers as NonNullable<ResponseConfig['headers']> } : {}),
    ...(content ? { content } : {}),
  };
}

/**
 * Declares the shared answers in `components.responses` (once per document, before the routes); `tokens`: 401 is one
 * of them; `named`: some operation is for named callers only, so 403 is one too.
 */
export function describeSharedResponses(registry: OpenAPIRegistry, tokens = true, named = false): void {
  // A component is written as given (no zod conversion): its body is a reference to the Problem schema.
  registry.register('Problem', Problem);
  for (const [name, { spec }] of Object.entries(shared)) {
    if (name === 'Unauthorized' && !tokens) continue;
    if (name === 'Forbidden' && !named) continue;
    const component = {
      description: spec.description,
      ...(spec.headers ? { headers: spec.headers } : {}),
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
    registry.registerComponent('responses', name, component as Parameters<typeof registry.registerComponent<'responses'>>[2]);
  }
}

/**
 * Documents a route in the OpenAPI registry, from the same schemas; `callers`: who may call it (auth.ts): 'public',
 * any bearer token, or tokens of these names only. Names are said in the description and listed in `x-callers`, not
 * as the security requirement's roles: OpenAPI 3.1 allows roles for a non-OAuth scheme, but Spectral's
 * oas3-operation-security-defined reads them as OAuth scopes the scheme does not define.
 */
export function describe(registry: OpenAPIRegistry, route: AnyRoute, callers: Callers = 'public'): void {
  const common = commonResponses(route, callers);
  const statuses = [...new Set([...Object.keys(common), ...Object.keys(route.responses)].map(Number))].sort((a, b) => a - b);
  const responses = Object.fromEntries(
    statuses.map((status) => {
      const own = route.responses[status];
      const name = common[status];
      if (!own) return [status, { $ref: `#/components/responses/${name}` }];
      // A route's own answer for a shared status (e.g. /readyz's 503) keeps the shared headers.
      return [status, responseConfig(status, { ...(name ? shared[name]!.spec : {}), ...own })];
    }),
  );
  const config: RouteConfig = {
    method: route.method,
    path: route.path,
    operationId: route.operationId,
    summary: route.summary,
    description:
      typeof callers === 'string'
        ? route.description
        : `${route.description} Only for the callers ${callers.join(', ')}: a bearer token of API_TOKENS with one of these names.`,
    tags: route.tags,
    // Explicitly none for public operations (Redocly's security-defined): a client knows a token is not needed.
    security: callers === 'public' ? [] : [{ bearerAuth: [] }],
    ...(typeof callers === 'string' ? {} : { 'x-callers': [...callers] }),
    request: {
      ...(route.params ? { params: route.params } : {}),
      ...(route.query ? { query: route.query } : {}),
      ...(route.body ? { body: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
    },
    responses,
  };
  registry.registerPath(config);
}
