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
 *
 * A route may say otherwise (`access`, from a resource's declaration): its
 * reads public or behind a token whatever API_READS says, or either behind
 * tokens of certain names only (`API_TOKENS=ops:<secret>`); an unnamed token
 * is any caller's, valid wherever any token is, never where names are listed.
 */
export interface AuthOptions {
  /** A string: an unnamed token (any caller). */
  tokens: readonly (string | ApiToken)[];
  /** 'token': reads need one too. */
  reads?: 'public' | 'token';
}

/** One of API_TOKENS: its secret, and the caller's name if it has one (`ops:<secret>`). */
export interface ApiToken {
  name?: string | undefined;
  secret: string;
}

/** Who may call: anyone, anyone with a token, or the callers whose tokens carry one of these names. */
export type Callers = 'public' | 'token' | readonly string[];

/** A route's own rule (undefined: the server's, API_READS and tokens for writes). */
export interface RouteAccess {
  /** What the 403 names: the resource. */
  resource: string;
  /** GET and HEAD; unset: API_READS. */
  read?: Callers | undefined;
  /** POST, PATCH, DELETE; unset: any token. */
  write?: Exclude<Callers, 'public'> | undefined;
}

const writes = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const digest = (value: string) => createHash('sha256').update(value).digest();

export const bearerScheme = 'bearerAuth';

/** What the guard and the document need of a route. */
interface Guarded {
  method: string;
  access?: RouteAccess | undefined;
}

/**
 * Who may call a route when tokens are configured: 'public', 'token' (any
 * valid one), or the names of the callers that may (the middleware and the
 * document agree by using this).
 */
export function callersOf(route: Guarded, reads: AuthOptions['reads'] = 'public'): Callers {
  const write = writes.has(route.method.toUpperCase());
  const own = write ? route.access?.write : route.access?.read;
  return own ?? (write ? 'token' : reads);
}

/** The request's problem if it needs a token and has no valid one (a 401), or one of another caller (a 403); else undefined. */
export type Guard = (req: { headers: { authorization?: string | undefined } }, route: Guarded) => HttpProblem | undefined;

/** The tokens as `{ name, secret }`, an unnamed one a plain string. */
const tokenOf = (token: string | ApiToken): ApiToken => (typeof token === 'string' ? { secret: token } : token);

/** The names API_TOKENS gives its callers. */
export const callerNames = (tokens: AuthOptions['tokens']) =>
  new Set(tokens.map((token) => tokenOf(token).name).filter((name) => name !== undefined));

export function requireToken({ tokens, reads = 'public' }: AuthOptions): Guard {
  const known = tokens.map((token) => ({ name: tokenOf(token).name, digest: digest(tokenOf(token).secret) }));
  return (req, route) => {
    if (known.length === 0) return undefined;
    const callers = callersOf(route, reads);
    if (callers === 'public') return undefined;
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return unauthorized('This request needs `Authorization: Bearer <token>` (one of API_TOKENS).');
    const sent = digest(match[1]!);
    // Every token is compared, so the time taken says nothing about which one (or whether any) matched.
    let found: (typeof known)[number] | undefined;
    for (const token of known) if (timingSafeEqual(token.digest, sent) && !found) found = token;
    if (!found) return unauthorized('The bearer token is not valid.', 'invalid_token');
    if (callers === 'token' || (found.name !== undefined && callers.includes(found.name))) return undefined;
    return forbidden(route, callers);
  };
}

function unauthorized(detail: string, error?: string): HttpProblem {
  const challenge = `Bearer realm="bookshelf"${error ? `, error="${error}"` : ''}`;
  return new HttpProblem(401, 'Unauthorized', detail, undefined, { 'www-authenticate': challenge });
}

/** A valid token of a caller not among those the route's resource lets in: which callers may (never the token). */
function forbidden(route: Guarded, callers: readonly string[]): HttpProblem {
  const what = writes.has(route.method.toUpperCase()) ? 'Changing' : 'Reading';
  const detail = `${what} ${route.access?.resource ?? 'this resource'} is for the callers ${callers.join(', ')} (named in API_TOKENS).`;
  return new HttpProblem(403, 'Forbidden', detail);
}
