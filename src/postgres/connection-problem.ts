import { sql, type Queryable } from '@databases/pg';
import { redactSecrets } from '../config/redact.ts';

/**
 * One query at start-up, so that a wrong DATABASE_URL shows at once, with
 * its cause, instead of as the first request's 503. Returns why the
 * database cannot be used (one line, saying what to check), or undefined
 * when it answers. The server serves either way: a database that is only
 * starting (or a Neon compute waking up) should not stop it.
 */
export async function databaseProblem(db: Queryable, url: string, variable = 'DATABASE_URL'): Promise<string | undefined> {
  try {
    await db.query(sql`SELECT 1`);
    return undefined;
  } catch (error) {
    return connectionFailure(error, url, variable);
  }
}

const tlsVerification = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A connection error (from pg or the socket) as its cause and what to check; never the password. */
export function connectionFailure(error: unknown, url: string, variable = 'DATABASE_URL'): string {
  const { code, message } = error as { code?: string; message?: string };
  const detail = redactSecrets(message ?? String(error));
  const { host, port, user, database } = parts(url);
  const at = `${host}:${port}`;
  switch (code) {
    case '28P01':
      return `password authentication failed for user "${user}" at ${at}: check the user and password in ${variable}`;
    case '28000':
      return `the server at ${at} refused user "${user}" (${detail}): check the user, database and sslmode in ${variable}`;
    case '3D000':
      return `database "${database}" does not exist at ${at}: create it, or fix the database name in ${variable}`;
    case 'ECONNREFUSED':
      return `connection refused at ${at}: is Postgres running there? Check the host and port in ${variable}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name ${host} does not resolve: check the host in ${variable}`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to ${at} (${code}): check the host and port in ${variable}, and the network or firewall`;
    case '53300':
      return `the server at ${at} has too many connections: lower DATABASE_POOL_SIZE or close other clients`;
    case '57P03':
      return `the server at ${at} is starting up or shutting down (${detail}): it should answer shortly`;
  }
  if (code && tlsVerification.has(code)) {
    return `TLS: the certificate of ${host} could not be verified (${detail}): name its CA with sslrootcert=/path/ca.pem in ${variable}`;
  }
  if (/does not support SSL/i.test(detail)) {
    return `TLS: ${at} does not offer TLS, but ${variable} asks for it (sslmode): use a TLS endpoint, or sslmode=disable for a local server`;
  }
  if (/timeout|timed out/i.test(detail)) {
    return `no answer from ${at} in time (${detail}): check the host and port in ${variable}, and the network or firewall`;
  }
  return `${detail}${code ? ` (${code})` : ''}: check ${variable}`;
}

/** Host, port, user and database of a postgres:// URL, for messages (never the password). */
function parts(url: string): { host: string; port: string; user: string; database: string } {
  try {
    const parsed = new URL(url);
    return {
      host: parsed.hostname || 'localhost',
      port: parsed.port || '5432',
      user: decodeURIComponent(parsed.username) || '(none)',
      database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username),
    };
  } catch {
    return { host: '?', port: '?', user: '?', database: '?' };
  }
}
