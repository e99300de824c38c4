import type { RequestHandler } from 'express';

/** Headers a cross-origin page may read: pagination, created resource, retry hints, request id. */
const exposed = 'Link, Location, Retry-After, Allow, X-Request-Id';
const methods = 'GET, HEAD, POST, PATCH, DELETE, OPTIONS';
const requestHeaders = 'Content-Type, X-Request-Id';

/**
 * CORS for the configured origins only (CORS_ORIGINS); with none, no CORS
 * header is ever sent and browsers keep other origins from reading answers.
 * An allowed origin gets its own name back (never `*`), and a preflight
 * (OPTIONS with Access-Control-Request-Method) is answered here with 204.
 * Requests from other origins pass through untouched: the browser, not the
 * server, withholds the answer.
 */
export function cors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    if (allowed.size === 0) return next();
    res.vary('Origin');
    const origin = req.headers.origin;
    if (origin === undefined || !allowed.has(origin)) return next();
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', exposed);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.setHeader('Access-Control-Allow-Methods', methods);
      res.setHeader('Access-Control-Allow-Headers', requestHeaders);
      res.setHeader('Access-Control-Max-Age', '600');
      return void res.status(204).end();
    }
    next();
  };
}
