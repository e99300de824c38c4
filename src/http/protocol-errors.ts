import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { sendEarlyProblem, writeProblemToSocket, type EarlyAnswers } from './early-answers.ts';
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

type InFlight = ServerResponse & { writableFinished: boolean };
const inFlightOf = (socket: Socket) => (socket as { _httpMessage?: InFlight | null })._httpMessage ?? undefined;

/**
 * Calls `then` once every answer to the requests before this one on the
 * connection (pipelined) has been sent: Node hands the socket to the next
 * queued response when one finishes, so wait on each in turn. Only for
 * requests that arrived whole: one still arriving is the one the error is
 * about (half a body timed out, a broken chunk), answered at once. A
 * connection that closes meanwhile ends the wait (nothing more can be sent).
 */
function afterEarlierAnswers(socket: Socket, then: () => void): void {
  const current = inFlightOf(socket);
  if (!current || current.writableFinished || !current.req.complete) return then();
  const closed = () => current.off('finish', finished);
  const finished = () => {
    socket.off('close', closed);
    // Node assigns the next queued response in its own 'finish' listener, which ran before this one.
    setImmediate(() => afterEarlierAnswers(socket, then));
  };
  current.once('finish', finished);
  socket.once('close', closed);
}

export interface ProtocolAnswers extends EarlyAnswers {
  /** The largest body accepted (bytes): a larger Content-Length with `Expect: 100-continue` is a 413 at once. */
  bodyLimit: number;
}

/**
 * Node answers some requests before Express sees them: malformed HTTP (400),
 * headers too large (431), a request that does not arrive within the
 * headers or request timeout (408, see http-server.ts), an `Expect` it does
 * not know (417), `Expect: 100-continue` (Node would say 100 Continue to
 * any size), CONNECT (Node would drop the connection without a word). These
 * answers get the same body, headers and log line as every other error
 * (early-answers.ts), and the connection is closed. A malformed request
 * that follows others on the same connection (pipelining) is answered after
 * theirs: what the client sent first is answered first.
 */
export function problemsForProtocolErrors(server: Server, answers: ProtocolAnswers): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const problem = problemFor(error);
    afterEarlierAnswers(socket, () => {
      // Node's own rule: write an answer only if no response has begun on this socket
      // (a timeout can strike while one is being written).
      const inFlight = inFlightOf(socket);
      if (!socket.writable || (inFlight && !inFlight.writableFinished && inFlight.headersSent)) return void socket.destroy();
      writeProblemToSocket(socket, problem, answers, error.code ?? 'client error');
    });
  });
  server.on('checkExpectation', (req, res: ServerResponse) => {
    const problem = new HttpProblem(417, 'Expectation Failed', `Expect: ${req.headers.expect} is not supported.`);
    sendEarlyProblem(res, problem, answers, 'expectation');
  });
  server.on('checkContinue', (req, res: ServerResponse) => {
    const length = Number(req.headers['content-length']);
    if (Number.isFinite(length) && length > answers.bodyLimit) {
      const problem = new HttpProblem(413, 'Payload Too Large', `The request body is larger than ${answers.bodyLimit} bytes.`);
      return sendEarlyProblem(res, problem, answers, 'expect 100-continue over the body limit');
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  server.on('connect', (_req, socket: Socket) => {
    const problem = new HttpProblem(405, 'Method Not Allowed', 'CONNECT is not served: this is not a proxy.');
    writeProblemToSocket(socket, problem, answers, 'connect', { allow: 'GET, HEAD, POST, PATCH, DELETE, OPTIONS' });
  });
}
