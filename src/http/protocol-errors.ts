import type { Server } from 'node:http';
import { HttpProblem } from './problems.ts';

/**
 * Node answers some requests before Express sees them: malformed HTTP (400),
 * headers too large (431), an `Expect` it does not know (417). These answers
 * get the same problem+json body as every other error.
 */
export function problemsForProtocolErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return void socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const problem = tooLarge
      ? new HttpProblem(431, 'Request Header Fields Too Large', 'The request headers are too large.')
      : new HttpProblem(400, 'Bad Request', 'The request is not valid HTTP.');
    const body = JSON.stringify(problem);
    socket.end(
      `HTTP/1.1 ${problem.status} ${problem.title}\r\ncontent-type: application/problem+json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  server.on('checkExpectation', (req, res) => {
    const problem = new HttpProblem(417, 'Expectation Failed', `Expect: ${req.headers.expect} is not supported.`);
    const body = JSON.stringify(problem);
    res.writeHead(417, { 'content-type': 'application/problem+json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}
