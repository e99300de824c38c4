import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import { createHttpServer } from '../../src/http/http-server.ts';

/**
 * The server makes its requests and responses with the app's Express
 * prototypes (express-messages.ts), so Express's per-request prototype swap
 * has nothing to change: that swap cost V8 a full GC every few hundred
 * requests (docs/performance.md). Seen from a `request` listener that runs
 * before the app: without the classes the objects are plain Node ones there.
 * And everything Express adds still works on them.
 */
const timeouts = parseEnv({});
const servers: import('node:http').Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function appAnswering(label: string) {
  const app = express();
  app.get('/items/:id', (req, res) => {
    res.status(201).json({ label, id: req.params.id, path: req.path, query: req.query, sameApp: req.app === app, ip: req.ip });
  });
  return app;
}

async function serve(app: express.Express) {
  const server = createHttpServer(app, timeouts);
  const born: { request: boolean; response: boolean }[] = [];
  // Runs before the app's own listener: what the objects are before Express touches them.
  server.prependListener('request', (req, res) =>
    born.push({ request: Object.getPrototypeOf(req) === app.request, response: Object.getPrototypeOf(res) === app.response }),
  );
  servers.push(server.listen(0, '127.0.0.1'));
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, born };
}

describe('requests and responses born with the app’s prototypes', () => {
  it('are the app’s request and response before Express runs', async () => {
    const app = appAnswering('a');
    const { url, born } = await serve(app);
    await (await fetch(`${url}/items/7`)).arrayBuffer();
    await (await fetch(`${url}/items/8`)).arrayBuffer();
    expect(born).toEqual([
      { request: true, response: true },
      { request: true, response: true },
    ]);
  });

  it('still have everything Express gives them, each server its own app’s', async () => {
    const [a, b] = [await serve(appAnswering('a')), await serve(appAnswering('b'))];
    for (const [served, label] of [
      [a, 'a'],
      [b, 'b'],
    ] as const) {
      const response = await fetch(`${served.url}/items/42?x=1`);
      expect(response.status).toBe(201);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await response.json()).toEqual({ label, id: '42', path: '/items/42', query: { x: '1' }, sameApp: true, ip: '127.0.0.1' });
    }
    const missing = await fetch(`${a.url}/nothing`);
    expect(missing.status).toBe(404); // Express's own final handler, on the same objects
  });
});
