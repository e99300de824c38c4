import { randomUUID } from 'node:crypto';

/**
 * W3C Trace Context's `traceparent` header (https://www.w3.org/TR/trace-context/):
 * `00-<trace id: 32 hex>-<parent span id: 16 hex>-<flags: 2 hex>`, lower case.
 * A header that breaks the rules (wrong length, upper case, all-zero ids,
 * version ff) is ignored, as the spec says, and the request starts a new
 * trace; it is never echoed back or logged as it came.
 */
export interface TraceParent {
  traceId: string;
  spanId: string;
  /** Bit 0: sampled. */
  flags: number;
}

const version00 = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
// A later version may append fields after the four known ones ("-…"); its first four parse like version 00's.
const laterVersion = /^([0-9a-e][0-9a-f]|f[0-9a-e])-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const zeroTrace = '0'.repeat(32);
const zeroSpan = '0'.repeat(16);

/** The header's trace and parent span, or undefined when it is absent or invalid. */
export function parseTraceParent(header: string | string[] | undefined): TraceParent | undefined {
  if (typeof header !== 'string' || header.length > 512) return undefined;
  const match = version00.exec(header) ?? (header.startsWith('00-') ? null : laterVersion.exec(header)?.slice(1));
  if (!match) return undefined;
  const [, traceId, spanId, flags] = match as string[];
  if (traceId === zeroTrace || spanId === zeroSpan) return undefined;
  return { traceId: traceId!, spanId: spanId!, flags: parseInt(flags!, 16) };
}

/** `traceparent` for a trace and span (version 00, as this server writes it). */
export function formatTraceParent({ traceId, spanId, flags }: TraceParent): string {
  return `00-${traceId}-${spanId}-${flags & 0xff ? (flags & 0xff).toString(16).padStart(2, '0') : '00'}`;
}

/** A new random trace id (32 hex digits; from a random UUID, which Node draws from a cached pool of entropy). */
export function newTraceId(): string {
  return randomUUID().replaceAll('-', '');
}

/** A new random span id (16 hex digits). */
export function newSpanId(): string {
  const uuid = randomUUID();
  return uuid.slice(0, 8) + uuid.slice(9, 13) + uuid.slice(14, 18);
}
