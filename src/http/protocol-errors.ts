import type { Server } from 'node:http';
import { HttpProblem } from './problems.ts';

/** The problem for a client error Node reports, by its code. */
function problemFor(error: NodeJS.ErrnoException): HttpProblem {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new HttpProblem(431, 'Request Header Fields Too Large', 'The request headers are too large.');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new HttpProblem(408, 'Request Timeout', 'The request (headers and body) did not arrive in time; send it again, whole.');
    default:
      return new HttpProblem(400, 'Bad Request', 'The request is not valid HTTP.');
  }
}

/**
 * Node answers some requests before Express sees them: malformed HTTP (400),
 * headers too large (431), a request that does not arrive within the
 * headers or request timeout (408, see http-server.ts), an `Expect` it does
 * not know (417). These answers get the same problem+json body as every
 * other error, and the connection is closed.
 */
export function problemsForProtocolErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // Node's own rule: write an answer only if no response has begun on this
    // socket (a timeout can strike while one is being written).
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || inFlight?.headersSent) return void socket.destroy();
    const problem = problemFor(error);
    const body = JSON.stringify(problem);
    // The server allows half-open sockets: end, then destroy, so that a
    // client that never closes its side does not keep the connection.
    socket.end(
      `HTTP/1.1 ${problem.status} ${problem.title}\r\ncontent-type: application/problem+json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      () => socket.destroy(),
    );
  });
  server.on('checkExpectation', (req, res) => {
    const problem = new HttpProblem(417, 'Expectation Failed', `Expect: ${req.headers.expect} is not supported.`);
    const body = JSON.stringify(problem);
    res.writeHead(417, { 'content-type': 'application/problem+json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}
