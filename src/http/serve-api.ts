import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { otherMethod } from './allowed-methods.ts';
import type { Metrics } from '../config/metrics.ts';
import type { Guard } from './auth.ts';
import type { Cors } from './cors.ts';
import { missingHost } from './host-header.ts';
import type { Drain } from './drain.ts';
import type { ReadRouting } from './read-routing.ts';
import { logRequest, logWhenFinished, requestIdOf } from './request-log.ts';
import { startRequestTrace } from './request-trace.ts';
import { runRoute, type AnyRoute, type Reply } from './route.ts';
import { RouteTable } from './route-table.ts';
import { setSecurityHeaders } from './security-headers.ts';
import { RawJson, sendJson } from './send.ts';
import { sixDigitTimestamps } from './timestamps.ts';

/** A path served by a later middleware (the OpenAPI document, the docs page), and its methods. */
interface ServedElsewhere {
  path: string;
  methods: string[];
}

export interface ServeApiOptions {
  routes: AnyRoute[];
  elsewhere: ServedElsewhere[];
  logger: Logger;
  /** The hardened headers, as a flat list (security-headers.ts). */
  securityHeaders: readonly string[];
  /** Reads a JSON body into req.body (json-body.ts), for routes that take one. */
  readBody: RequestHandler;
  cors?: Cors | undefined;
  guard?: Guard | undefined;
  /** Prometheus metrics (METRICS_PORT); undefined: metrics off, nothing counted. */
  metrics?: Metrics | undefined;
  /** Read replicas (DATABASE_READ_URL): where each GET reads, and the WAL position a write's answer carries. */
  reads?: ReadRouting | undefined;
  /** While set, every answer closes its connection (drain.ts). */
  drain?: Drain | undefined;
}

/** The label of a request no route of the table served (404, 405, the docs): never the raw path, which the client chooses. */
const unrouted = '(unrouted)';

/**
 * The API in one middleware, in the order every request needs: a request id
 * and a log line, the hardened headers, CORS (if configured), the route by
 * method and path (route-table.ts: 405 with `Allow` for another method on a
 * known path), the token check (if configured), the body, validation, the
 * handler, the answer.
 *
 * A route's successful answer is sent here, its headers (hardened ones,
 * request id, the route's own, content type and length) handed to Node in
 * one writeHead call, and its line logged as it is sent. Every other answer
 * (errors, 404, the docs) is left to the Express middleware after this one:
 * for those the headers are set on the response first and the line is
 * logged when the response finishes, so they carry the same headers and get
 * the same line. One middleware instead of five, and one table lookup
 * instead of Express's walk over every route, is what the CPU profile of
 * `npm run bench` asked for (docs/performance.md).
 */
export function serveApi({
  routes,
  elsewhere,
  logger,
  securityHeaders,
  readBody,
  cors,
  guard,
  metrics,
  reads,
  drain,
}: ServeApiOptions): RequestHandler {
  const table = new RouteTable<AnyRoute>();
  for (const route of routes) table.add(route.path, route.method, route);
  for (const { path, methods } of elsewhere) for (const method of methods) table.add(path, method);

  return (req, res, next) => {
    const started = performance.now();
    const reqId = requestIdOf(req);
    metrics?.inFlight.inc();
    if (drain?.draining) res.shouldKeepAlive = false;
    let route: AnyRoute | undefined = undefined; // set once the table has found it; read by done() and traced()
    let trace: ReturnType<typeof startRequestTrace> | undefined;
    const traced = () => (trace ??= startRequestTrace(req, route?.path));
    /** The request's answer is out (or its connection gone): its span ends, its latency is observed. */
    const done = (status: number) => {
      trace?.end(status);
      if (metrics) {
        metrics.inFlight.dec();
        metrics.requestDone(route?.path ?? unrouted, req.method, status, (performance.now() - started) / 1000);
      }
    };
    let handedOver = false;
    const handOver = () => {
      if (handedOver) return;
      handedOver = true;
      const { header, traceId } = traced();
      setSecurityHeaders(res, securityHeaders);
      res.setHeader('x-request-id', reqId);
      res.setHeader('traceparent', header);
      logWhenFinished(logger, reqId, traceId, req, res, started);
      res.once('close', () => done(res.statusCode));
    };
    const fail = (error: unknown) => {
      handOver();
      next(error);
    };

    const noHost = missingHost(req);
    if (noHost) return fail(noHost);

    if (cors) {
      handOver();
      if (cors(req, res) === 'answered') return;
    }
    const path = req.path;
    let found;
    try {
      found = table.find(req.method, path);
    } catch (error) {
      return fail(error);
    }
    if (found?.value === undefined) {
      handOver();
      if (found) {
        const problem = otherMethod(req.method, path, found.allow, res);
        return problem ? next(problem) : undefined;
      }
      // An unknown path is a 404 whoever asks: a token would not make it exist (and the paths are public in the document).
      return next();
    }
    route = found.value;
    req.params = found.params;
    const problem = guard?.(req, route);
    if (problem) return fail(problem);

    const { traceId, header } = traced();
    const answer = (reply: Reply) => {
      send(res, reply, handedOver ? [] : [...securityHeaders, 'x-request-id', reqId, 'traceparent', header]);
      if (!handedOver) {
        logRequest(logger, reqId, traceId, req.method, path, res.statusCode, started);
        done(res.statusCode);
      }
    };
    const chosen = route;
    const run = () =>
      trace!
        .within(() => (reads ? reads.run(chosen, req, runRoute) : runRoute(chosen, req)))
        .then(answer)
        .catch(fail);
    if (route.body) readBody(req, res, (error?: unknown) => (error ? fail(error) : void run()));
    else void run();
  };
}

function send(res: Response, reply: Reply, headers: string[]): void {
  if (reply.headers) for (const name in reply.headers) headers.push(name, reply.headers[name]!);
  if (reply.body === undefined) {
    res.writeHead(reply.status ?? 204, headers);
    res.end();
  } else {
    const text = reply.body instanceof RawJson ? reply.body.text : JSON.stringify(reply.body);
    sendJson(res, reply.status ?? 200, new RawJson(sixDigitTimestamps(text)), undefined, headers);
  }
}
