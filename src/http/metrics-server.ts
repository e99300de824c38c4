import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { isIP } from 'node:net';
import { ConfigError, type Env } from '../config/env.ts';
import type { Metrics } from '../config/metrics.ts';

/**
 * /metrics on a listener of its own (METRICS_PORT), never on the API's port:
 * a load balancer in front of the API does not expose it, and a scrape costs
 * the API's request path nothing. It listens on loopback unless told
 * otherwise (METRICS_HOST); any other address needs METRICS_TOKEN, so the
 * numbers are never public by accident. With a token, a scrape without
 * `Authorization: Bearer <token>` gets 401.
 */
export type MetricsConfig = Pick<Env, 'METRICS_PORT' | 'METRICS_HOST' | 'METRICS_TOKEN'>;

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Refuses a metrics listener reachable from the network without a token (checked before anything slow starts). */
export function checkMetricsConfig({ METRICS_PORT: port, METRICS_HOST: host, METRICS_TOKEN: token }: MetricsConfig): void {
  if (port === undefined || token !== undefined || isLoopback(host)) return;
  throw new ConfigError(
    `METRICS_HOST=${host} makes /metrics reachable from the network, and METRICS_TOKEN is not set.\n` +
      '  Set METRICS_TOKEN (e.g. METRICS_TOKEN=$(openssl rand -hex 32)) and give the scraper the same token, ' +
      'or keep METRICS_HOST=127.0.0.1 (the default) and scrape from this machine.',
  );
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const sent = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7).trim() : '');
  const expected = Buffer.from(token);
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}

export function createMetricsServer(metrics: Metrics, token: string | undefined): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end('Not found: the metrics listener serves GET /metrics only.\n');
      return;
    }
    if (token !== undefined && !tokenMatches(req.headers.authorization, token)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="bookshelf-metrics"', 'content-type': 'text/plain; charset=utf-8' });
      res.end('Send METRICS_TOKEN as Authorization: Bearer <token>.\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) =>
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics failed: ${(error as Error).message}\n`),
    );
  });
}
