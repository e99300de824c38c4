import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { HttpProblem } from './problems.ts';
import { setSecurityHeaders } from './security-headers.ts';

/**
 * Answers made before the app sees a request (the HTTP parser's 400, 408,
 * 431; 417; a 413 to `Expect: 100-continue`; CONNECT's 405): the same as
 * every other answer of the API, i.e. a problem+json body, the hardened
 * headers, an `x-request-id`, and one log line, and then the connection
 * closes (the request's end cannot be trusted).
 */
export interface EarlyAnswers {
  logger: Logger;
  /** The hardened headers, as a flat list (security-headers.ts). */
  securityHeaders: readonly string[];
}

/** The log line of an early answer: no path for what could not be parsed. */
function logEarly(logger: Logger, reqId: string, status: number, why: string, method?: string, path?: string): void {
  logger.info({ reqId, ...(method ? { method } : {}), ...(path ? { path } : {}), status, why }, 'request');
}

/** Writes `problem` as a whole HTTP/1.1 response straight to a socket that has no response object (parser errors, CONNECT). */
export function writeProblemToSocket(
  socket: Socket,
  problem: HttpProblem,
  { logger, securityHeaders }: EarlyAnswers,
  why: string,
  extra: Record<string, string> = {},
): void {
  const reqId = randomUUID();
  const body = JSON.stringify(problem);
  const headers: string[] = [];
  for (let i = 0; i < securityHeaders.length; i += 2) headers.push(`${securityHeaders[i]}: ${securityHeaders[i + 1]}`);
  for (const [name, value] of Object.entries({ ...problem.headers, ...extra })) headers.push(`${name}: ${value}`);
  headers.push(
    `x-request-id: ${reqId}`,
    'content-type: application/problem+json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  );
  logEarly(logger, reqId, problem.status, why);
  // The server allows half-open sockets: end, then destroy, so that a
  // client that never closes its side does not keep the connection.
  socket.end(`HTTP/1.1 ${problem.status} ${problem.title}\r\n${headers.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}

/** Sends `problem` on a response Node made before the app ran (417, 413 to Expect), and closes the connection after it. */
export function sendEarlyProblem(res: ServerResponse, problem: HttpProblem, { logger, securityHeaders }: EarlyAnswers, why: string): void {
  const reqId = randomUUID();
  const body = JSON.stringify(problem);
  setSecurityHeaders(res, securityHeaders);
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.setHeader('x-request-id', reqId);
  res.setHeader('connection', 'close');
  res.writeHead(problem.status, { 'content-type': 'application/problem+json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
  logEarly(logger, reqId, problem.status, why, res.req.method, res.req.url?.split('?')[0]);
}
