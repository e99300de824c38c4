import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import { call, startAppOnNewDatabase, type TestApp } from '../support/app.ts';

/** CORS: off unless CORS_ORIGINS lists an origin; then for those origins only. (The browser side: docs-page.test.ts.) */
const allowed = 'https://app.example.com';

describe('CORS_ORIGINS', () => {
  it('is a comma list of origins, each checked', () => {
    expect(parseEnv({}).CORS_ORIGINS).toEqual([]);
    expect(parseEnv({ CORS_ORIGINS: ' https://a.example.com, http://localhost:5173 ,' }).CORS_ORIGINS).toEqual([
      'https://a.example.com',
      'http://localhost:5173',
    ]);
    for (const bad of ['a.example.com', 'https://a.example.com/path', 'ftp://a.example.com', '*']) {
      expect(() => parseEnv({ CORS_ORIGINS: bad }), bad).toThrow(/CORS_ORIGINS\.0: each must be an origin/);
    }
  });
});

describe('CORS off (the default)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startAppOnNewDatabase({ seeded: false });
  });
  afterAll(() => app?.close());

  it('grants no origin anything', async () => {
    const read = await call(app, 'GET', '/authors', undefined, { origin: allowed });
    expect(read.status).toBe(200);
    expect([...read.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
    const preflight = await call(app, 'OPTIONS', '/authors', undefined, { origin: allowed, 'access-control-request-method': 'POST' });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS on for one origin', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startAppOnNewDatabase({ seeded: true, corsOrigins: [allowed] });
  });
  afterAll(() => app?.close());

  it('lets that origin read answers and the headers a client needs', async () => {
    const read = await call(app, 'GET', '/authors?limit=1', undefined, { origin: allowed });
    expect(read.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(read.headers.get('access-control-expose-headers')).toContain('Link');
    expect(read.headers.get('vary')).toMatch(/origin/i);
  });

  it('answers its preflight for a JSON write', async () => {
    const preflight = await call(app, 'OPTIONS', '/authors', undefined, {
      origin: allowed,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/content-type/i);
  });

  it('grants another origin nothing', async () => {
    const read = await call(app, 'GET', '/authors', undefined, { origin: 'https://evil.example.com' });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
    expect(read.headers.get('vary')).toMatch(/origin/i);
  });
});
