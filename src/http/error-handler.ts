import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { redactSecrets } from '../config/redact.ts';
import { constraintProblem } from './constraint-violations.ts';
import { isDatabaseUnavailable } from './database-errors.ts';
import { ShuttingDown } from './drain.ts';
import { databaseUnavailable, HttpProblem } from './problems.ts';
import { traceIdOf } from './request-trace.ts';
import { sendJson } from './send.ts';

/** Errors from express.json(), by their `type`. */
const bodyErrors: Record<string, (error: { message: string; limit?: number }) => HttpProblem> = {
  'entity.parse.failed': () => new HttpProblem(400, 'Malformed JSON', 'The request body is not valid JSON.'),
  'encoding.invalid': () => new HttpProblem(400, 'Invalid Encoding', 'The request body is not valid UTF-8; send JSON encoded as UTF-8.'),
  'entity.too.large': (error) =>
    new HttpProblem(413, 'Payload Too Large', `The request body is larger than ${error.limit ?? 'the limit of'} bytes.`),
  'encoding.unsupported': (error) => new HttpProblem(415, 'Unsupported Media Type', error.message),
  'charset.unsupported': (error) => new HttpProblem(415, 'Unsupported Media Type', error.message),
  'request.aborted': () => new HttpProblem(400, 'Bad Request', 'The request was aborted.'),
  'stream.encoding.set': () => new HttpProblem(500, 'Internal Server Error'),
};

function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  const type = (error as { type?: unknown })?.type;
  if (typeof type === 'string' && bodyErrors[type]) return bodyErrors[type](error as { message: string });
  if (isDatabaseUnavailable(error)) return databaseUnavailable();
  const violation = constraintProblem(error);
  if (violation) return violation;
  const status = (error as { status?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpProblem(status, 'Bad Request', (error as Error).message);
  }
  return new HttpProblem(500, 'Internal Server Error', 'Something went wrong on our side; it has been logged.');
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const problem = toProblem(error);
    if (problem.status >= 500 && !(error instanceof ShuttingDown)) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      logger.error(
        {
          reqId: res.getHeader('x-request-id'),
          traceId: traceIdOf(res.getHeader('traceparent')),
          status: problem.status,
          err: redactSecrets(message),
        },
        'request failed',
      );
    }
    if (res.headersSent) return void res.destroy();
    for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
    sendJson(res, problem.status, problem, 'application/problem+json; charset=utf-8');
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpProblem(404, 'Not Found', `No route for ${req.method} ${req.path}`));
};
