import { sql, type ConnectionPool } from '@databases/pg';
import { expect } from 'vitest';
import { createPool } from '../../src/db/pool.ts';

/**
 * Load and recovery timing for the suspend tests: keep a pool busy while
 * the database goes away, measure how soon it answers again, and check that
 * no broken connection is left in it.
 */
export interface Load {
  stats: { ok: number; failed: number; codes: Set<string> };
  stop(): Promise<void>;
}

/** Queries and transactions in a loop on `workers` lanes until stopped. */
export function load(pool: ConnectionPool, workers = 8): Load {
  const stats = { ok: 0, failed: 0, codes: new Set<string>() };
  let running = true;
  const lanes = Array.from({ length: workers }, async (_, lane) => {
    for (let i = 0; running; i++) {
      try {
        // Lane 0 runs long queries, so the database always goes away mid-query.
        if (lane === 0) await pool.query(sql`SELECT pg_sleep(0.2)`);
        else if (i % 2) await pool.query(sql`SELECT ${lane}::int AS lane, pg_sleep(0.002)`);
        else await pool.tx(async (tx) => tx.query(sql`SELECT txid_current()`));
        stats.ok++;
      } catch (error) {
        stats.failed++;
        stats.codes.add(String((error as { code?: string }).code ?? (error as Error).message));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  });
  return {
    stats,
    stop: async () => {
      running = false;
      await Promise.all(lanes);
    },
  };
}

export function describeLoad({ stats }: Load): string {
  return JSON.stringify({ ...stats, codes: [...stats.codes] });
}

/** Milliseconds until `attempt` first succeeds (it is retried at once on failure). */
export async function timeUntilSuccess(attempt: () => Promise<unknown>, giveUpMs = 30_000): Promise<number> {
  const start = performance.now();
  for (;;) {
    try {
      await attempt();
      return performance.now() - start;
    } catch (error) {
      if (performance.now() - start > giveUpMs) throw error;
    }
  }
}

/** Every connection the pool holds works: `size * 2` concurrent queries all succeed. */
export async function allConnectionsWork(pool: ConnectionPool, size: number): Promise<void> {
  const rows = await Promise.all(Array.from({ length: size * 2 }, (_, i) => pool.query(sql`SELECT ${i}::int AS i, pg_sleep(0.01)`)));
  expect(rows.map(([row]) => row.i)).toEqual(rows.map((_, i) => i));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Outage {
  /** Milliseconds from the database being back to the pool's first success. */
  recovery: number;
  /** Successes counted when the database went away (none may follow until it is back). */
  okWhileAway: number;
  stats: Load['stats'];
  /** What the pool reported through onError. */
  errors: Error[];
}

/**
 * A pool of `size` over `url` under load while the database goes away for a
 * second (`away`) and comes back (`back`). Checks that nothing succeeded
 * while it was away and that every connection works afterwards; the rest is
 * the caller's to assert.
 */
export async function outageUnderLoad(
  url: string,
  size: number,
  { away, back }: { away(): Promise<void>; back(): Promise<void> },
  label: string,
): Promise<Outage> {
  const errors: Error[] = [];
  const pool = createPool({ url, size, onError: (error) => errors.push(error) });
  const busy = load(pool);
  try {
    await sleep(300);
    await away();
    const okWhileAway = busy.stats.ok;
    await sleep(1_000);
    expect(busy.stats.ok).toBe(okWhileAway); // it really was away
    await back();
    const recovery = await timeUntilSuccess(() => pool.query(sql`SELECT 1`));
    await sleep(300);
    await busy.stop();
    console.log(`${label}: first success in ${recovery.toFixed(0)} ms; load ${describeLoad(busy)}`);
    await allConnectionsWork(pool, size);
    return { recovery, okWhileAway, stats: busy.stats, errors };
  } finally {
    await busy.stop();
    await pool.dispose();
  }
}
