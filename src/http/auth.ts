import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpProblem } from './problems.ts';

/**
 * Who may write. With tokens configured, a request that changes data (POST,
 * PATCH, DELETE) needs `Authorization: Bearer <one of them>`; reads stay
 * public unless `reads` is 'token'. Without tokens, everything is open: what
 * the local embedded database gets by default (server.ts decides, and
 * refuses a remote database with no token unless writes are opened
 * explicitly). Tokens are compared in constant time, on their SHA-256
 * digests (equal lengths whatever was sent), and never logged.
 */
export interface AuthOptions {
  tokens: string[];
  /** 'token': reads need one too. */
  reads?: 'public' | 'token';
}

const writes = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Never behind a token: probes (a load balancer has none) and the API's own description and docs page. */
const open = /^\/(healthz|readyz|openapi\.json|docs)(\/|$)/;
const digest = (value: string) => createHash('sha256').update(value).digest();

export const bearerScheme = 'bearerAuth';

/** Whether a request needs a token when tokens are configured (the middleware and the document agree by using this). */
export function needsToken(method: string, path: string, reads: AuthOptions['reads'] = 'public'): boolean {
  return writes.has(method.toUpperCase()) || (reads === 'token' && !open.test(path));
}

/** The request's problem if it needs a token and has no valid one (a 401), else undefined. */
export type Guard = (req: { method: string; path: string; headers: { authorization?: string | undefined } }) => HttpProblem | undefined;

export function requireToken({ tokens, reads = 'public' }: AuthOptions): Guard {
  const known = tokens.map(digest);
  return (req) => {
    if (known.length === 0) return undefined;
    if (!needsToken(req.method, req.path, reads)) return undefined;
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return unauthorized('This request needs `Authorization: Bearer <token>` (one of API_TOKENS).');
    const sent = digest(match[1]!);
    // Every token is compared, so the time taken says nothing about which one (or whether any) matched.
    const ok = known.reduce((found, token) => timingSafeEqual(token, sent) || found, false);
    return ok ? undefined : unauthorized('The bearer token is not valid.', 'invalid_token');
  };
}

function unauthorized(detail: string, error?: string): HttpProblem {
  const challenge = `Bearer realm="bookshelf"${error ? `, error="${error}"` : ''}`;
  return new HttpProblem(401, 'Unauthorized', detail, undefined, { 'www-authenticate': challenge });
}
