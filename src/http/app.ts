import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Queryable } from '@databases/pg';
import express, { type Express } from 'express';
import pino, { type Logger } from 'pino';
import { bearerScheme, callerNames, callersOf, requireToken, type AuthOptions } from './auth.ts';
import { docsPage, docsPaths } from './docs-page.ts';
import { errorHandler, notFoundHandler } from './error-handler.ts';
import { cors } from './cors.ts';
import { openApiDocument, type DocumentOptions } from './openapi.ts';
import { defaultBodyLimit, jsonBody } from './json-body.ts';
import type { Metrics } from '../config/metrics.ts';
import type { ReplicaSet } from '../db/read-replicas.ts';
import { readRouting } from './read-routing.ts';
import type { Drain } from './drain.ts';
import { describe, describeSharedResponses, type AnyRoute } from './route.ts';
import { healthRoutes } from './routes/health.ts';
import { checkCallers, resourceRoutes, type Catalog, type Declaration } from './resource-routes.ts';
import { catalog as projectCatalog, resources as projectResources } from './resources.ts';
import { securityHeaderList } from './security-headers.ts';
import { RawJson, sendJson } from './send.ts';
import { serveApi } from './serve-api.ts';

export interface AppDeps {
  /** The database: the process' pool (or a transaction, in tests). */
  db: Queryable;
  logger?: Logger;
  /** Largest JSON body accepted (bytes); larger ones get 413. */
  bodyLimit?: number;
  /** Bearer tokens for writes (and reads, if so configured); none: open. */
  auth?: AuthOptions;
  /** Origins allowed to call across origins (CORS_ORIGINS); none: CORS off. */
  corsOrigins?: readonly string[];
  /** The document's servers, contact and license (PUBLIC_URL, API_CONTACT, API_LICENSE). */
  document?: DocumentOptions;
  /** Prometheus metrics (METRICS_PORT); none: off. */
  metrics?: Metrics;
  /** Read replicas (DATABASE_READ_URL) and how long a read waits for one to catch up with the client's write. */
  replicas?: { set: ReplicaSet; waitMs: number };
  /** Set while the server drains before it stops (SHUTDOWN_DELAY_MS): /readyz fails, answers close their connection. */
  drain?: Drain;
  /** The declared resources and the catalog they are served from (default: src/http/resources.ts's). */
  resources?: Resources;
}

/** Declared tables and views (resources.ts), and what db:types recorded of the schema. */
export interface Resources {
  declarations: readonly Declaration[];
  catalog: Catalog;
}

const declared: Resources = { declarations: projectResources, catalog: projectCatalog };

export function routes(db: Queryable, replicas?: ReplicaSet, drain?: Drain, resources: Resources = declared): AnyRoute[] {
  return [
    ...resourceRoutes(db, resources.declarations, resources.catalog),
    ...healthRoutes(db, replicas && (() => replicas.statuses()), drain),
  ];
}

/**
 * The OpenAPI document of the routes; `reads`: whether reads need a token
 * too; `tokens`: whether this server has API_TOKENS at all. Without them
 * nothing is enforced, so the document declares no security scheme, no
 * `security` requirement and no 401 (a generator would otherwise report
 * every write as "ignored auth"). The generated artifacts (typed client,
 * README table) describe the server with tokens, as deployed.
 */
export function apiDocument(all: AnyRoute[], options: DocumentOptions = {}, reads: AuthOptions['reads'] = 'public', tokens = true) {
  const registry = new OpenAPIRegistry();
  if (tokens) {
    registry.registerComponent('securitySchemes', bearerScheme, {
      type: 'http',
      scheme: 'bearer',
      description:
        "One of the server's API_TOKENS. Writes need it wherever the server runs against a database other than the local embedded one.",
    });
  }
  const callers = new Map(all.map((route) => [route, tokens ? callersOf(route, reads) : ('public' as const)]));
  describeSharedResponses(
    registry,
    tokens,
    [...callers.values()].some((who) => typeof who !== 'string'),
  );
  for (const route of all) describe(registry, route, callers.get(route));
  return openApiDocument(registry, options, [...new Set(all.flatMap((route) => route.tags))]);
}

/** The Express app: the guide's endpoints, CRUD, OpenAPI, docs, health. */
export function createApp({
  db,
  logger = pino({ level: 'silent' }),
  bodyLimit = defaultBodyLimit,
  auth = { tokens: [] },
  corsOrigins = [],
  document: documentOptions = {},
  metrics,
  replicas,
  drain,
  resources = declared,
}: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // FastAPI answers /authors/ like /authors; so do we (not strict). Paths are case-sensitive, as in the route table.
  app.set('strict routing', false);
  app.set('case sensitive routing', true);

  // Without tokens nothing is enforced (the local embedded database): names are checked only when there are tokens.
  if (auth.tokens.length > 0) checkCallers(resources.declarations, callerNames(auth.tokens));
  const all = routes(db, replicas?.set, drain, resources);
  const reads = replicas
    ? readRouting({
        replicas: replicas.set,
        routes: all,
        replicaRoutes: replicas.set.pools.map((pool) => routes(pool, replicas.set, drain, resources)),
        waitMs: replicas.waitMs,
        metrics,
      })
    : undefined;
  app.use(
    serveApi({
      routes: all,
      elsewhere: ['/openapi.json', ...docsPaths].map((path) => ({ path, methods: ['get'] })),
      logger,
      securityHeaders: securityHeaderList(),
      readBody: jsonBody(bodyLimit),
      // Off by default: then not even a step on the request path.
      cors: corsOrigins.length > 0 ? cors(corsOrigins) : undefined,
      // No tokens (the local embedded database): writes are open.
      guard: auth.tokens.length > 0 ? requireToken(auth) : undefined,
      metrics,
      reads,
      drain,
    }),
  );

  // Kept as its JSON text: the document as objects held about 0.8 MB of the live heap for a 32 KB answer.
  const document = new RawJson(JSON.stringify(apiDocument(all, documentOptions, auth.reads, auth.tokens.length > 0)));
  app.get('/openapi.json', (_req, res) => sendJson(res, 200, document));
  app.use(docsPage());

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
