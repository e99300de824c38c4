import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';

/**
 * Turns the libpq TLS parameters of a connection URL into Node TLS options.
 *
 * | sslmode       | encrypted | certificate checked | host name checked |
 * |---------------|-----------|---------------------|-------------------|
 * | disable       | no        |                     |                   |
 * | require       | yes       | yes (system CAs or sslrootcert) | yes   |
 * | verify-ca     | yes       | yes                 | no                |
 * | verify-full   | yes       | yes                 | yes               |
 *
 * `require` verifies too (as Neon recommends and node-postgres does since 8.x):
 * an unverified TLS connection can be intercepted. `sslmode=no-verify` is the
 * explicit opt-out. `channel_binding` is removed from the URL: the driver uses
 * SCRAM channel binding by itself when the server offers it.
 */
export function tlsOptions(url: string): { connectionString: string; ssl: false | ConnectionOptions | 'no-verify' } {
  const parsed = new URL(url);
  const mode = parsed.searchParams.get('sslmode') ?? 'disable';
  const rootCert = parsed.searchParams.get('sslrootcert');
  for (const name of ['sslmode', 'sslrootcert', 'channel_binding', 'sslcert', 'sslkey']) parsed.searchParams.delete(name);
  const connectionString = parsed.toString();

  if (mode === 'disable') return { connectionString, ssl: false };
  if (mode === 'no-verify') return { connectionString, ssl: 'no-verify' };
  if (!['require', 'verify-ca', 'verify-full'].includes(mode)) {
    throw new Error(`Unsupported sslmode "${mode}" (use disable, require, verify-ca or verify-full)`);
  }
  // The name the certificate must carry. node-postgres sets `servername`
  // (SNI + name check) for a host name, but for an IP address it sets
  // nothing, and Node then checks the certificate against "localhost".
  // `host` (not `servername`: an IP is no SNI name, RFC 6066) makes Node
  // check the certificate's IP entries instead; the socket is already open,
  // so `host` changes nothing else.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const ssl: ConnectionOptions = { rejectUnauthorized: true, host };
  if (rootCert && rootCert !== 'system') ssl.ca = readFileSync(rootCert, 'utf8');
  if (mode === 'verify-ca') ssl.checkServerIdentity = () => undefined;
  return { connectionString, ssl };
}
