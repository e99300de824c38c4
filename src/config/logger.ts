import pino, { type Logger } from 'pino';

/** Bytes of log lines gathered before one write to stdout, and the longest a line waits when traffic is low. */
export const logBuffer = { bytes: 4096, flushMs: 100 } as const;

/**
 * The server's logger: JSON lines on stdout (fd 1), written in batches.
 * pino's default writes each line with its own write() as it is logged,
 * one system call per request; under load that was a measurable share of a
 * request's CPU (docs/performance.md). Lines are gathered up to 4 KiB and
 * written together, and at most 100 ms after they were logged when traffic
 * is low. Nothing is lost when the process ends: on exit (SIGTERM's clean
 * shutdown, process.exit, an uncaught exception) pino writes what is
 * gathered synchronously before the process goes (test/integration/logger.test.ts).
 */
export function createLogger(level: string): Logger {
  return pino({ level }, pino.destination({ dest: 1, sync: false, minLength: logBuffer.bytes, periodicFlush: logBuffer.flushMs }));
}
