import http from 'node:http';
import net from 'node:net';
import helmet from 'helmet';
import { securityHeaders } from '../../src/http/security-headers.ts';
const h = helmet();
const s = securityHeaders();
const mk = () => new http.ServerResponse(new http.IncomingMessage(new net.Socket()));
for (const [name, mw] of [['helmet', h], ['static', s], ['helmet', h], ['static', s]] as const) {
  const n = 200_000;
  const t = performance.now();
  for (let i = 0; i < n; i++) mw({} as never, mk() as never, () => {});
  console.log(name, (((performance.now() - t) * 1000) / n).toFixed(2), 'µs/request (incl. creating a response)');
}
const t = performance.now();
for (let i = 0; i < 200_000; i++) mk();
console.log('creating a response alone', (((performance.now() - t) * 1000) / 200_000).toFixed(2));
