import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

const acceptableId = /^[\w.:-]{1,64}$/;

/**
 * One JSON log line per request, with a request id (the caller's
 * `x-request-id` when it is sane, else a new one), echoed in the response,
 * and the request's trace id (request-trace.ts).
 * Query strings are not logged: they are the client's business.
 */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && acceptableId.test(incoming) ? incoming : randomUUID();
}

/** The line itself; `started` is performance.now() when the request arrived. */
export function logRequest(
  logger: Logger,
  reqId: string,
  traceId: string,
  method: string,
  path: string,
  status: number,
  started: number,
): void {
  logger.info({ reqId, traceId, method, path, status, ms: Math.round((performance.now() - started) * 100) / 100 }, 'request');
}

/** Logs the request once its response has been handed to the socket (for answers not sent by serveApi itself). */
export function logWhenFinished(
  logger: Logger,
  reqId: string,
  traceId: string,
  req: IncomingMessage & { path: string },
  res: ServerResponse,
  started: number,
): void {
  res.once('finish', () => logRequest(logger, reqId, traceId, req.method!, req.path, res.statusCode, started));
}
