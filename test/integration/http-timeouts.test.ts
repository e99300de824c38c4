import { connect } from 'node:net';
import { sql } from '@databases/pg';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../src/config/env.ts';
import { createHttpServer, type HttpTimeouts } from '../../src/http/http-server.ts';
import { startAppOnNewDatabase, type TestApp } from '../support/app.ts';

/**
 * The server's HTTP timeouts (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS,
 * HTTP_KEEP_ALIVE_TIMEOUT_MS), tried by slow clients on raw sockets. The
 * limits are small here so that the tests are quick; what is asserted is the
 * outcome (a 408 problem, the connection closed, nothing written), not how
 * long it took. With Node's defaults (requestTimeout 300 s, checked every
 * 30 s) these clients would hold their connections past the test timeout.
 */
const timeouts: HttpTimeouts = { HTTP_HEADERS_TIMEOUT_MS: 300, HTTP_REQUEST_TIMEOUT_MS: 600, HTTP_KEEP_ALIVE_TIMEOUT_MS: 300 };
let app: TestApp;

beforeAll(async () => {
  app = await startAppOnNewDatabase({ timeouts });
});
afterAll(() => app?.close());

/** What a client that sends `request` and then nothing more receives before the server closes the connection. */
function sendAndWait(request: string): Promise<{ received: string; closedByServer: boolean }> {
  const { port } = new URL(app.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(request));
    let received = '';
    let ended = false;
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('end', () => (ended = true)); // the server's FIN
    socket.on('close', () => resolve({ received, closedByServer: ended || socket.readableEnded }));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
  });
}

const authorsNamed = async (name: string) =>
  (await app.pool.query(sql`SELECT count(*)::int AS n FROM authors WHERE name LIKE ${`${name}%`}`))[0].n as number;

describe('a slow client is cut off with a 408 problem', () => {
  it('half a body: 408, the connection closed, nothing written', async () => {
    const half = '{"name":"Half a body';
    const { received, closedByServer } = await sendAndWait(
      `POST /authors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${half.length * 2}\r\n\r\n${half}`,
    );
    expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(received.toLowerCase()).toContain('content-type: application/problem+json; charset=utf-8');
    expect(JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 408, title: 'Request Timeout' });
    expect(closedByServer).toBe(true);
    expect(await authorsNamed('Half a body')).toBe(0);
  });

  it('headers that never end: 408, the connection closed', async () => {
    const { received, closedByServer } = await sendAndWait('GET /authors HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 408 });
    expect(closedByServer).toBe(true);
  });

  it('a whole request still gets its answer; then the idle keep-alive connection is closed by the server', async () => {
    const { received, closedByServer } = await sendAndWait('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received.match(/HTTP\/1\.1 /g)).toHaveLength(1); // no 408 for an idle connection
    expect(closedByServer).toBe(true);
  });
});

describe('configuration', () => {
  it('defaults: headers 10 s, request 30 s, keep-alive 5 s; each can be set', () => {
    expect(parseEnv({})).toMatchObject({
      HTTP_HEADERS_TIMEOUT_MS: 10_000,
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 5_000,
    });
    expect(
      parseEnv({ HTTP_HEADERS_TIMEOUT_MS: '2000', HTTP_REQUEST_TIMEOUT_MS: '4000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000' }),
    ).toMatchObject({
      HTTP_HEADERS_TIMEOUT_MS: 2000,
      HTTP_REQUEST_TIMEOUT_MS: 4000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 65_000,
    });
  });

  it('the server carries exactly the configured values', () => {
    const server = createHttpServer(express(), {
      HTTP_HEADERS_TIMEOUT_MS: 2000,
      HTTP_REQUEST_TIMEOUT_MS: 4000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 65_000,
    });
    expect({ headers: server.headersTimeout, request: server.requestTimeout, keepAlive: server.keepAliveTimeout }).toEqual({
      headers: 2000,
      request: 4000,
      keepAlive: 65_000,
    });
  });

  it.each(['soon', '0', '-5', '1.5'])('HTTP_REQUEST_TIMEOUT_MS=%s is refused, naming the variable', (value) => {
    expect(() => parseEnv({ HTTP_REQUEST_TIMEOUT_MS: value })).toThrow(/HTTP_REQUEST_TIMEOUT_MS: /);
  });

  it('a headers timeout longer than the request timeout is refused with both names', () => {
    const config = parseEnv({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' });
    expect(() => createHttpServer(express(), config)).toThrow(ConfigError);
    expect(() => createHttpServer(express(), config)).toThrow(
      /HTTP_HEADERS_TIMEOUT_MS \(20000\) must not exceed HTTP_REQUEST_TIMEOUT_MS \(10000\)/,
    );
  });
});
