/**
 * Bounded lock waits for migrations. An ALTER TABLE that waits for a lock
 * queues every later query on that table behind it, so the API stalls for as
 * long as the migration waits. Atlas runs each file on its own connection
 * and cannot be told to `SET lock_timeout` without editing the (hashed)
 * files, so the bound travels as a startup parameter in the URL Atlas
 * connects with: `options=-c lock_timeout=…` (lib/pq passes `options` on;
 * Neon's direct endpoint accepts it, its pooler would not: migrations never
 * go through the pooler).
 */

/** `url` whose sessions run with `lock_timeout = ms` (0: wait forever, Postgres' default), keeping any `options` it had (Neon's `endpoint=…`). */
export function withLockTimeout(url: string, ms: number): string {
  const parsed = new URL(url);
  const existing = (parsed.searchParams.get('options') ?? '').replace(/(^|\s)-c\s*lock_timeout=\S+/g, '').trim();
  parsed.searchParams.set('options', [existing, `-c lock_timeout=${ms}`].filter(Boolean).join(' '));
  return parsed.toString();
}

/**
 * Whether Atlas's error is a lock wait that ran out (SQLSTATE 55P03; lib/pq
 * reports it by message: "canceling statement due to lock timeout"), on a
 * table or on Atlas's own advisory lock.
 */
export function isLockTimeout(atlasOutput: string): boolean {
  return /canceling statement due to lock timeout|lock_not_available|\b55P03\b/i.test(atlasOutput);
}

/** The migration version Atlas names in an execution error (`from version "20261126000608"`), if any. */
export function failedVersion(atlasOutput: string): string | undefined {
  return /from version "(\d+)"/.exec(atlasOutput)?.[1];
}

/** Backoff before retry `attempt` (1-based): base, 2×base, 4×base, … */
export function backoffMs(attempt: number, baseMs: number): number {
  return baseMs * 2 ** (attempt - 1);
}
