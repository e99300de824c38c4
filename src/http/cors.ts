import type { Request, Response } from 'express';

/** Headers a cross-origin page may read: pagination, created resource, retry hints, request id, trace, a write's WAL position. */
const exposed = 'Link, Location, Retry-After, Allow, X-Request-Id, Traceparent, X-Read-After-Lsn';
const methods = 'GET, HEAD, POST, PATCH, DELETE, OPTIONS';
const requestHeaders = 'Content-Type, X-Request-Id, Traceparent, X-Read-After-Lsn';

/**
 * CORS for the configured origins only (CORS_ORIGINS); with none, no CORS
 * header is ever sent and browsers keep other origins from reading answers.
 * An allowed origin gets its own name back (never `*`), and a preflight
 * (OPTIONS with Access-Control-Request-Method) is answered here with 204.
 * Requests from other origins pass through untouched: the browser, not the
 * server, withholds the answer.
 */
export type Cors = (req: Request, res: Response) => 'answered' | undefined;

/** CORS for `origins`; 'answered' when it answered a preflight itself. */
export function cors(origins: readonly string[]): Cors {
  const allowed = new Set(origins);
  return (req, res) => {
    if (allowed.size === 0) return undefined;
    res.vary('Origin');
    const origin = req.headers.origin;
    if (origin === undefined || !allowed.has(origin)) return undefined;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', exposed);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.setHeader('Access-Control-Allow-Methods', methods);
      res.setHeader('Access-Control-Allow-Headers', requestHeaders);
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return 'answered';
    }
    return undefined;
  };
}
