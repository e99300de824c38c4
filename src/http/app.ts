import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Queryable } from '@databases/pg';
import express, { type Express } from 'express';
import pino, { type Logger } from 'pino';
import { allowedMethods } from './allowed-methods.ts';
import { bearerScheme, needsToken, requireToken, type AuthOptions } from './auth.ts';
import { docsPage, docsPaths } from './docs-page.ts';
import { errorHandler, notFoundHandler } from './error-handler.ts';
import { cors } from './cors.ts';
import { openApiDocument, type DocumentOptions } from './openapi.ts';
import { jsonBody } from './json-body.ts';
import { requestLog } from './request-log.ts';
import { describe, describeSharedResponses, mount, type AnyRoute } from './route.ts';
import { authorRoutes } from './routes/authors.ts';
import { bookRoutes } from './routes/books.ts';
import { healthRoutes } from './routes/health.ts';
import { securityHeaders } from './security-headers.ts';
import { sendJson } from './send.ts';

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
}

export function routes(db: Queryable): AnyRoute[] {
  return [...authorRoutes(db), ...bookRoutes(db), ...healthRoutes(db)];
}

/** The OpenAPI document of the routes; `reads`: whether reads need a token too. */
export function apiDocument(all: AnyRoute[], options: DocumentOptions = {}, reads: AuthOptions['reads'] = 'public') {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', bearerScheme, {
    type: 'http',
    scheme: 'bearer',
    description: "One of the server's API_TOKENS. Writes need it wherever the server runs against a database other than the local embedded one.",
  });
  describeSharedResponses(registry);
  for (const route of all) describe(registry, route, needsToken(route.method, route.path, reads));
  return openApiDocument(registry, options);
}

/** The Express app: the guide's endpoints, CRUD, OpenAPI, docs, health. */
export function createApp({
  db,
  logger = pino({ level: 'silent' }),
  bodyLimit = 16 * 1024,
  auth = { tokens: [] },
  corsOrigins = [],
  document: documentOptions = {},
}: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // FastAPI answers /authors/ like /authors; so do we (not strict, not case sensitive).
  app.set('strict routing', false);

  app.use(requestLog(logger));
  app.use(securityHeaders());
  // Off by default: then not even a middleware layer on the request path.
  if (corsOrigins.length > 0) app.use(cors(corsOrigins));
  const all = routes(db);
  const served = [...all.map(({ path, method }) => ({ path, methods: [method] })), ...['/openapi.json', ...docsPaths].map((path) => ({ path, methods: ['get'] }))];
  app.use(allowedMethods(served));
  // No tokens (the local embedded database): writes are open, and no middleware layer is added.
  if (auth.tokens.length > 0) app.use(requireToken(auth));

  const router = express.Router();
  const readBody = jsonBody(bodyLimit);
  for (const route of all) mount(router, route, readBody);
  app.use(router);

  const document = apiDocument(all, documentOptions, auth.reads);
  app.get('/openapi.json', (_req, res) => sendJson(res, 200, document));
  app.use(docsPage());

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
