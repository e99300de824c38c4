import type pg from 'pg';
import type { LockHeld } from './model.ts';

/** What each table lock mode keeps other sessions from doing while it is held (Postgres docs, "Table-Level Locks"). */
const blocks: Record<string, string> = {
  AccessExclusiveLock: 'blocks every read and write of it',
  ExclusiveLock: 'blocks writes (reads go on)',
  ShareRowExclusiveLock: 'blocks writes (reads go on)',
  ShareLock: 'blocks writes (reads go on)',
  ShareUpdateExclusiveLock: 'blocks schema changes and VACUUM, not reads or writes',
  RowExclusiveLock: 'blocks schema changes, not reads or writes',
  RowShareLock: 'blocks only exclusive locks',
  AccessShareLock: 'blocks only ACCESS EXCLUSIVE',
};
const strength = Object.keys(blocks);

export interface RawLock {
  oid: number;
  mode: string;
}

/**
 * Watches the relation locks one session holds, from a second connection
 * (pg_locks shows every session's locks): sampled every few milliseconds
 * while a statement runs, so a statement outside a transaction (whose locks
 * end with it) is seen too, and once more when it is done (inside a
 * transaction, its locks are held until COMMIT). System catalogs are left
 * out: every statement touches them, and no application waits on them.
 */
export function watchLocks(monitor: pg.Client, pid: number): { stop: () => Promise<RawLock[]> } {
  const seen = new Map<string, RawLock>();
  let running = true;
  const sample = async () => {
    const { rows } = await monitor.query<{ oid: number; mode: string }>(
      `SELECT relation::int AS oid, mode FROM pg_locks
        WHERE pid = $1 AND locktype = 'relation' AND granted AND relation >= 16384`,
      [pid],
    );
    for (const row of rows) seen.set(`${row.oid}:${row.mode}`, row);
  };
  const loop = (async () => {
    while (running) {
      await sample();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await sample();
      return [...seen.values()];
    },
  };
}

/** A lock known from the statement kind, not seen (expected-locks.ts). */
export const unmeasuredLock = (relation: string, mode: string): LockHeld => ({
  relation,
  mode,
  blocks: blocks[mode] ?? '',
  measured: false,
});

/**
 * The strongest lock per relation, named, strongest first. A relation that
 * has no name by the time it is asked for existed only inside the statement
 * (the new heap of a table rewrite, swapped in and dropped): nobody else can
 * wait on it, so it is left out.
 */
export function strongestLocks(raw: RawLock[], names: Map<number, string>): LockHeld[] {
  const best = new Map<number, string>();
  for (const { oid, mode } of raw) {
    const current = best.get(oid);
    if (current === undefined || strength.indexOf(mode) < strength.indexOf(current)) best.set(oid, mode);
  }
  return [...best.entries()]
    .filter(([oid]) => names.has(oid))
    .map(([oid, mode]) => ({ relation: names.get(oid)!, mode, blocks: blocks[mode] ?? '', measured: true }))
    .sort((a, b) => strength.indexOf(a.mode) - strength.indexOf(b.mode) || a.relation.localeCompare(b.relation));
}
