import type { SQLQuery } from '@databases/pg';
import { SpanKind, SpanStatusCode, context, trace, type Span } from '@opentelemetry/api';

/**
 * One OpenTelemetry span per query, through @opentelemetry/api: a no-op
 * until the user installs and starts an SDK (docs/production.md). The span
 * is a child of whatever span is active when the query starts (the
 * request's: serve-api.ts runs the route inside it), and carries the SQL
 * text with its `$n` placeholders, never the values.
 *
 * Given to the pool as @databases/pg's query hooks (pool.ts). Without an
 * SDK the tracer hands back a non-recording span, and nothing more is done.
 */
export interface QueryHooks {
  onQueryStart(query: SQLQuery, formatted: { readonly text: string }): void;
  onQueryResults(query: SQLQuery): void;
  onQueryError(query: SQLQuery, formatted: { readonly text: string }, error: Error): void;
}

const tracer = trace.getTracer('bookshelf');

export function querySpans(pool: string, onError?: (code: string | undefined) => void): QueryHooks {
  const open = new WeakMap<SQLQuery, Span>();
  return {
    onQueryStart(query, { text }) {
      const span = tracer.startSpan('db.query', { kind: SpanKind.CLIENT }, context.active());
      if (!span.isRecording()) return;
      span.setAttribute('db.system', 'postgresql');
      span.setAttribute('db.statement', text);
      span.setAttribute('bookshelf.pool', pool);
      open.set(query, span);
    },
    onQueryResults(query) {
      const span = open.get(query);
      if (!span) return;
      open.delete(query);
      span.end();
    },
    onQueryError(query, _formatted, error) {
      const code = (error as { code?: string }).code;
      onError?.(code);
      const span = open.get(query);
      if (!span) return;
      open.delete(query);
      span.setStatus({ code: SpanStatusCode.ERROR, message: code ?? error.name });
      span.end();
    },
  };
}
