import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import { startAppOnNewDatabase, type TestApp } from '../support/app.ts';
import { freePort } from '../support/free-port.ts';
import { withDatabase } from '../support/postgres.ts';
import { runEntrypoint } from '../support/process.ts';

/**
 * Who may write: with API_TOKENS, POST/PATCH/DELETE need a bearer token
 * (401 with WWW-Authenticate and a problem body otherwise, and nothing is
 * written); reads stay public unless API_READS=token; tokens never reach a
 * log line. A server against a remote database with no token refuses to
 * start unless writes are opened explicitly.
 */
const token = 'tok-0123456789abcdef-reader-writer';
const other = 'tok-fedcba9876543210-someone-else';
let app: TestApp;
let logged = '';

beforeAll(async () => {
  const sink = new Writable({ write: (chunk, _encoding, done) => ((logged += chunk.toString()), done()) });
  app = await startAppOnNewDatabase({ auth: { tokens: [other, token] }, logger: pino({ level: 'trace' }, sink) });
});
afterAll(() => app?.close());

const send = (method: string, path: string, { body, bearer }: { body?: unknown; bearer?: string } = {}) =>
  fetch(`${app.baseUrl}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
const authorCount = async () => ((await (await send('GET', '/authors?limit=200')).json()) as unknown[]).length;

describe('writes with API_TOKENS set', () => {
  it('without a token: 401, WWW-Authenticate: Bearer, a problem body, and nothing written', async () => {
    const before = await authorCount();
    const response = await send('POST', '/authors', { body: { name: 'Anonymous' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="bookshelf"');
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect((await send('DELETE', '/books/by-id/1')).status).toBe(401);
    expect((await send('PATCH', '/authors/1', { body: { bio: null } })).status).toBe(401);
    expect(await authorCount()).toBe(before);
  });

  it('with a wrong token: 401 invalid_token, nothing written', async () => {
    const before = await authorCount();
    const response = await send('POST', '/authors', { body: { name: 'Mallory' }, bearer: `${token}x` });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="bookshelf", error="invalid_token"');
    expect(await authorCount()).toBe(before);
  });

  it('with any of the tokens: written', async () => {
    expect((await send('POST', '/authors', { body: { name: 'Ursula K. Le Guin' }, bearer: token })).status).toBe(201);
    expect((await send('POST', '/authors', { body: { name: 'Octavia E. Butler' }, bearer: other })).status).toBe(201);
  });

  it('reads stay public', async () => {
    expect((await send('GET', '/authors')).status).toBe(200);
    expect((await send('GET', '/books/1')).status).toBe(200);
  });

  it('no log line holds a token, in whole or in part', () => {
    expect(logged).toContain('"status":401');
    for (const secret of [token, other]) {
      expect(logged).not.toContain(secret);
      expect(logged).not.toContain(secret.slice(4, 20));
    }
  });

  it('the document declares the scheme on the operations that need it', async () => {
    const document = (await (await send('GET', '/openapi.json')).json()) as {
      components: { securitySchemes: Record<string, unknown> };
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>;
    };
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.paths['/authors']!.post!.security).toEqual([{ bearerAuth: [] }]);
    expect(document.paths['/authors']!.post!.responses['401']).toBeDefined();
    expect(document.paths['/books/by-id/{id}']!.delete!.security).toEqual([{ bearerAuth: [] }]);
    expect(document.paths['/authors']!.get!.security).toEqual([]); // public, said explicitly
  });
});

describe('reads too, with API_READS=token', () => {
  let closed: TestApp;
  beforeAll(async () => {
    closed = await startAppOnNewDatabase({ auth: { tokens: [token], reads: 'token' } });
  });
  afterAll(() => closed?.close());
  it('a read without a token is a 401; with one, 200', async () => {
    expect((await fetch(`${closed.baseUrl}/authors`)).status).toBe(401);
    expect((await fetch(`${closed.baseUrl}/authors`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${closed.baseUrl}/books/1`)).status).toBe(401);
    for (const open of ['/healthz', '/readyz', '/openapi.json', '/docs'])
      expect((await fetch(`${closed.baseUrl}${open}`)).status, open).toBe(200);
  });
});

describe('starting against a remote database', () => {
  const adminUrl = inject('adminUrl');
  const start = async (env: Record<string, string>) =>
    runEntrypoint('src/main.ts', {
      DATABASE_URL: withDatabase(adminUrl, 'postgres'),
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      ...env,
    });

  it('with no token and writes not opened: refuses, saying how to set one', async () => {
    const server = await start({ ALLOW_ANONYMOUS_WRITES: '', API_TOKENS: '' });
    const { code } = await server.exited;
    expect(code).toBe(1);
    expect(server.stderr()).toContain('Refusing to start: DATABASE_URL is set (not the local embedded database) and API_TOKENS is not');
    expect(server.stderr()).toContain('API_TOKENS=$(openssl rand -hex 32)');
    expect(server.stderr()).toContain('ALLOW_ANONYMOUS_WRITES=1');
    expect(server.output()).not.toContain('"msg":"serving"');
  });

  it('tokens shorter than 16 characters are refused as configuration', () => {
    expect(() => parseEnv({ API_TOKENS: 'short,also-short' })).toThrow(/API_TOKENS.*: each token must be at least 16 characters/);
    expect(parseEnv({ API_TOKENS: ` ${token} , ${other} ` }).API_TOKENS).toEqual([{ secret: token }, { secret: other }]);
  });

  it('a token may carry a caller name (`name:<secret>`); errors name the caller, never the secret', () => {
    expect(parseEnv({ API_TOKENS: `ops:${token}, reporting-2 : ${other},${token}` }).API_TOKENS).toEqual([
      { name: 'ops', secret: token },
      { name: 'reporting-2', secret: other },
      { secret: token },
    ]);
    // A secret holding `:`: split at the first one when what precedes it is a name; else the whole entry is the secret.
    expect(parseEnv({ API_TOKENS: 'ops:abc:def0123456789abcdef' }).API_TOKENS).toEqual([
      { name: 'ops', secret: 'abc:def0123456789abcdef' },
    ]);
    expect(parseEnv({ API_TOKENS: 'Q7:x/0123456789abcdef' }).API_TOKENS).toEqual([{ secret: 'Q7:x/0123456789abcdef' }]);
    // A leading `:`: a bare secret whatever it holds.
    expect(parseEnv({ API_TOKENS: ':ops:0123456789abcdef' }).API_TOKENS).toEqual([{ secret: 'ops:0123456789abcdef' }]);
    let message = '';
    try {
      parseEnv({ API_TOKENS: `ops:short-secret,${token},tooshort-secret` });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/API_TOKENS: each token must be at least 16 characters \(e.g. openssl rand -hex 32\): the token of ops/);
    expect(message).toMatch(/API_TOKENS: each token must be at least 16 characters .*: token 3/);
    expect(message).not.toMatch(/short-secret|tooshort|tok-/);
  });
});
