import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import pino, { type Logger } from 'pino';
import { ConfigError, type Env } from '../config/env.ts';
import { expressMessages } from './express-messages.ts';
import { defaultBodyLimit } from './json-body.ts';
import { problemsForProtocolErrors } from './protocol-errors.ts';
import { securityHeaderList } from './security-headers.ts';

export type HttpTimeouts = Pick<Env, 'HTTP_HEADERS_TIMEOUT_MS' | 'HTTP_REQUEST_TIMEOUT_MS' | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'>;

/**
 * The HTTP server around the app, with its timeouts set deliberately. Node's
 * defaults let a client that sends half a body hold a connection for 300 s
 * (requestTimeout), checked only every 30 s (connectionsCheckingInterval):
 * here a request that has not fully arrived in time gets a 408 problem and
 * its connection is closed, checked often enough for the limit to mean what
 * it says. An idle keep-alive connection is closed after the keep-alive
 * timeout (Node adds a second of grace to what it announces).
 */
export interface EdgeOptions {
  /** Where the answers made before the app runs are logged (as the app's are). */
  logger?: Logger;
  /** The app's body limit, for `Expect: 100-continue` (default: the app's default). */
  bodyLimit?: number;
}

export function createHttpServer(
  app: Express,
  timeouts: HttpTimeouts,
  { logger = pino({ level: 'silent' }), bodyLimit = defaultBodyLimit }: EdgeOptions = {},
): Server {
  const { HTTP_HEADERS_TIMEOUT_MS: headersTimeout, HTTP_REQUEST_TIMEOUT_MS: requestTimeout } = timeouts;
  if (headersTimeout > requestTimeout) {
    throw new ConfigError(
      `HTTP_HEADERS_TIMEOUT_MS (${headersTimeout}) must not exceed HTTP_REQUEST_TIMEOUT_MS (${requestTimeout}): the request timeout covers the headers too.`,
    );
  }
  const server = createServer(
    {
      headersTimeout,
      requestTimeout,
      keepAliveTimeout: timeouts.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(1_000, Math.ceil(headersTimeout / 4)),
      // A missing Host is answered by the app (host-header.ts): a problem body, headers and a log line, not Node's empty 400.
      requireHostHeader: false,
      // Requests and responses made with the app's prototypes: Express's per-request prototype swap then changes nothing.
      ...expressMessages(app),
    },
    app,
  );
  problemsForProtocolErrors(server, { logger, securityHeaders: securityHeaderList(), bodyLimit });
  return server;
}
