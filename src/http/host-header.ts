import type { IncomingMessage } from 'node:http';
import { HttpProblem } from './problems.ts';

/**
 * HTTP/1.1 requires a Host header (RFC 9112 §3.2), and a server must answer
 * a request without one with 400. Node would do so itself with an empty
 * chunked body and none of the API's headers or its log line; the server
 * turns that off (http-server.ts) and the API answers here, as a problem.
 */
export function missingHost(req: IncomingMessage): HttpProblem | undefined {
  if (req.httpVersionMajor !== 1 || req.httpVersionMinor !== 1 || req.headers.host !== undefined) return undefined;
  return new HttpProblem(400, 'Bad Request', 'An HTTP/1.1 request needs a Host header.', undefined, { connection: 'close' });
}
