import { randomFillSync } from 'node:crypto';

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

/**
 * Random hex from a pool: 4 KiB of random bytes drawn at once (crypto.randomFillSync) and handed out in turn, so a
 * request's trace and span ids cost a slice, not two random UUIDs (about 1 µs each per request under load).
 */
const pool = Buffer.alloc(4096);
let used = pool.length;
function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += bytes;
  return pool.toString('hex', used - bytes, used);
}

/** A new random trace id (32 hex digits, never all zeros). */
export function newTraceId(): string {
  const id = randomHex(16);
  return id === zeroTrace ? newTraceId() : id;
}

/** A new random span id (16 hex digits, never all zeros). */
export function newSpanId(): string {
  const id = randomHex(8);
  return id === zeroSpan ? newSpanId() : id;
}
