import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, inject, it } from 'vitest';
import { listenHost } from '../../src/config/listen-address.ts';
import { freePort } from '../support/free-port.ts';
import { withDatabase } from '../support/postgres.ts';
import { runEntrypoint } from '../support/process.ts';

/**
 * Open writes mean loopback (issue 20): with no API_TOKENS anyone who
 * reaches the server may write, so unless HOST says otherwise it listens on
 * 127.0.0.1 and says so; once writes need a token, on every interface.
 */
const adminUrl = inject('adminUrl');
const token = 'a-token-of-at-least-16-chars';

/** An IPv4 address of this machine that is not loopback, if it has one. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;

/** Whether a TCP connection to host:port is accepted. */
const accepts = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

async function serve(env: Record<string, string>) {
  const port = await freePort();
  const server = runEntrypoint('src/main.ts', { DATABASE_URL: withDatabase(adminUrl, 'postgres'), PORT: String(port), HOST: '', ...env });
  const line = await server.waitFor(/"msg":"serving"/);
  return { server, port, url: (JSON.parse(line) as { url: string }).url };
}

describe('where the server listens', () => {
  it('chooses loopback only while writes are open, and HOST always wins', () => {
    expect(listenHost(undefined, true).host).toBe('127.0.0.1');
    expect(listenHost(undefined, false)).toEqual({ host: '0.0.0.0' });
    expect(listenHost('0.0.0.0', true)).toEqual({ host: '0.0.0.0' });
  });

  it('writes open and no HOST: 127.0.0.1 only, said at start-up; the network is refused', async () => {
    const { server, port, url } = await serve({ ALLOW_ANONYMOUS_WRITES: '1', API_TOKENS: '' });
    try {
      expect(url).toBe(`http://127.0.0.1:${port}`);
      expect(server.output()).toContain('writes are open (no API_TOKENS), so the server listens on 127.0.0.1 only');
      expect(await accepts('127.0.0.1', port)).toBe(true);
      if (outsideAddress) expect(await accepts(outsideAddress, port), `${outsideAddress}:${port}`).toBe(false);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('with API_TOKENS and no HOST: every interface', async () => {
    const { server, port, url } = await serve({ API_TOKENS: token });
    try {
      expect(url).toBe(`http://localhost:${port}`);
      expect(server.output()).not.toContain('listens on 127.0.0.1 only');
      if (outsideAddress) expect(await accepts(outsideAddress, port), `${outsideAddress}:${port}`).toBe(true);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
