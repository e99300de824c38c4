import { createServer } from 'node:net';
import { ConfigError } from './env.ts';

/**
 * Checks that the server can listen on PORT at HOST before start-up does
 * anything slow or lasting (start Postgres, migrate, seed): a port in use
 * then costs a clear message at once, not `listen EADDRINUSE` after the
 * migrations ran. PORT 0 (any free port) always works.
 */
export async function assertCanListen(port: number, host: string): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error) => reject(listenError(error, port, host)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/**
 * Where the server listens: HOST if set; else loopback (127.0.0.1) while
 * anyone who reaches the server may write (no API_TOKENS: the local
 * embedded database, or ALLOW_ANONYMOUS_WRITES), and every interface
 * (0.0.0.0) once writes need a token. `note`: the line start-up logs when
 * it chose loopback, saying how to open it up.
 */
export function listenHost(host: string | undefined, writesOpen: boolean): { host: string; note?: string } {
  if (host) return { host };
  if (!writesOpen) return { host: '0.0.0.0' };
  return {
    host: '127.0.0.1',
    note:
      'writes are open (no API_TOKENS), so the server listens on 127.0.0.1 only: this machine can reach it, the network cannot. ' +
      'To serve others, set API_TOKENS (writes then need a token), or HOST=0.0.0.0 to open it as it is.',
  };
}

/** Says which variable to change for a failed listen; other errors pass unchanged. */
export function listenError(error: unknown, port: number, host: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `PORT ${port} on HOST ${host}`;
  const elsewhere = `start on another port: PORT=${port === 8000 ? 8001 : 8000} npm start (or set PORT in .env)`;
  switch (code) {
    case 'EADDRINUSE':
      return new ConfigError(
        `Cannot listen on ${where}: another program (maybe another \`npm start\`) is using it.\nStop it, or ${elsewhere}.`,
      );
    case 'EACCES':
      return new ConfigError(`Cannot listen on ${where}: ports below 1024 need privileges.\nUse a port from 1024: ${elsewhere}.`);
    case 'EADDRNOTAVAIL':
      return new ConfigError(
        `Cannot listen on ${where}: ${host} is not an address of this machine.\nSet HOST to one of its addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (all).`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConfigError(
        `Cannot listen on ${where}: the host name ${host} does not resolve.\nSet HOST to an address, 127.0.0.1 (this machine only) or 0.0.0.0 (all).`,
      );
    default:
      return error;
  }
}
