import type { IncomingMessage } from 'node:http';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace, type Span } from '@opentelemetry/api';
import { formatTraceParent, newSpanId, newTraceId, parseTraceParent } from './traceparent.ts';

/**
 * A request's place in a distributed trace: the caller's W3C `traceparent`
 * when valid (the trace continues), else a new trace. Its trace id goes in
 * every log line of the request; `traceparent` goes back in the response,
 * so a client (or the person reading its error) can find the request.
 *
 * The request's span goes through @opentelemetry/api: without an SDK the
 * API hands back a non-recording span and nothing is exported; the echoed
 * header is then the caller's own (kept) or the new trace's. With an SDK
 * (docs/production.md), the span is real, is the parent of each query's
 * span (query-spans.ts), and its id is what the response names.
 */
export interface RequestTrace {
  traceId: string;
  /** The `traceparent` response header. */
  header: string;
  span: Span;
  /** Runs `fn` with the request's span active (only when an SDK records it: otherwise there is nothing to propagate). */
  within<T>(fn: () => T): T;
  /** Ends the span with the answer's status. */
  end(status: number): void;
}

const tracer = trace.getTracer('bookshelf');

/** Starts the request's trace and span, named by its method and route template (never the raw path: a client chooses that). */
export function startRequestTrace(req: IncomingMessage, route: string | undefined): RequestTrace {
  const name = route ? `${req.method} ${route}` : req.method!;
  const incoming = parseTraceParent(req.headers.traceparent);
  const parent = incoming ? trace.setSpanContext(ROOT_CONTEXT, { ...incoming, traceFlags: incoming.flags, isRemote: true }) : ROOT_CONTEXT;
  const span = tracer.startSpan(name, { kind: SpanKind.SERVER }, parent);
  let traceId: string;
  let header: string;
  if (span.isRecording()) {
    span.setAttribute('http.request.method', req.method!);
    if (route) span.setAttribute('http.route', route);
    const own = span.spanContext();
    traceId = own.traceId;
    header = formatTraceParent({ traceId, spanId: own.spanId, flags: own.traceFlags });
  } else if (incoming) {
    traceId = incoming.traceId;
    header = req.headers.traceparent as string;
    if (!header.startsWith('00-')) header = formatTraceParent(incoming);
  } else {
    traceId = newTraceId();
    header = formatTraceParent({ traceId, spanId: newSpanId(), flags: 0 });
  }
  const active = span.isRecording() ? trace.setSpan(context.active(), span) : undefined;
  return {
    traceId,
    header,
    span,
    within: (fn) => (active ? context.with(active, fn) : fn()),
    end(status) {
      if (!span.isRecording()) return;
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}

/** The trace id in a `traceparent` header this server wrote (for log lines written far from the request's start). */
export function traceIdOf(header: unknown): string | undefined {
  return typeof header === 'string' && header.length >= 35 ? header.slice(3, 35) : undefined;
}
