import { sql, type ConnectionPool } from '@databases/pg';

/**
 * Read replicas (DATABASE_READ_URL): which of them may take reads now, and
 * whether one has replayed a given WAL position of the primary.
 *
 * Every `checkEveryMs` the primary's WAL position (`pg_current_wal_lsn()`)
 * is sampled and each replica is asked for its replayed position
 * (`pg_last_wal_replay_lsn()`). A replica's lag is how long ago the primary
 * had WAL the replica has not replayed yet (the oldest such sample): zero
 * when it has replayed all the primary had at the last sample. A replica
 * that does not answer, is not a standby (`pg_is_in_recovery()` false: it
 * was promoted, or the URL names a primary), or lags more than `maxLagMs` is
 * taken out: reads go to the primary. It comes back at the first check that
 * finds it answering and caught up. Nothing is ever written to a replica.
 */
export interface ReplicaOptions {
  primary: ConnectionPool;
  replicas: ConnectionPool[];
  /** Taken out when it lags more than this (DATABASE_READ_MAX_LAG_MS). */
  maxLagMs: number;
  /** How often the replicas are checked (DATABASE_READ_CHECK_MS). */
  checkEveryMs: number;
  /** Told when a replica is taken out or comes back, with why (no URL, no secret). */
  onChange?: (replica: ReplicaStatus) => void;
}

export interface ReplicaStatus {
  /** 1-based, in DATABASE_READ_URL's order (never the URL: it holds a password). */
  replica: number;
  /** Takes reads. */
  up: boolean;
  /** Why it is out (undefined while up), in words fit for the public /readyz: no host, no error text. */
  reason?: string | undefined;
  /** The error behind "does not answer", for the server's log only (it may name hosts). */
  detail?: string | undefined;
  /** Lag at the last check, ms (undefined: unknown). */
  lagMs?: number | undefined;
}

interface Replica {
  pool: ConnectionPool;
  status: ReplicaStatus;
  /** Replayed WAL position at the last look (0n: unknown). */
  replayed: bigint;
  /** The look in progress, shared by every read waiting on this replica. */
  looking?: Promise<bigint> | undefined;
}

/** `16/B374D848` (pg_lsn's text) as a number of bytes. */
export function parseLsn(text: string): bigint | undefined {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  return match ? (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`) : undefined;
}

/** A WAL position as pg_lsn's text. */
export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** A promise that gives up after `ms` (a replica that hangs instead of refusing must not hold a check forever). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const notCheckedYet = 'not checked yet';

export class ReplicaSet {
  readonly #primary: ConnectionPool;
  readonly #replicas: Replica[];
  readonly #options: ReplicaOptions;
  /** The primary's WAL position over the last while: (when, position), oldest first. */
  readonly #samples: { at: number; lsn: bigint }[] = [];
  #timer: NodeJS.Timeout | undefined;
  #next = 0;
  #checking: Promise<void> | undefined;

  constructor(options: ReplicaOptions) {
    this.#options = options;
    this.#primary = options.primary;
    // Out until the first check has seen them: no read goes to a replica nobody has looked at.
    this.#replicas = options.replicas.map((pool, i) => ({
      pool,
      replayed: 0n,
      status: { replica: i + 1, up: false, reason: notCheckedYet },
    }));
  }

  /** Checks now, then every checkEveryMs (the timer does not keep the process alive). */
  async start(): Promise<void> {
    await this.check();
    this.#timer = setInterval(() => void this.check(), this.#options.checkEveryMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  get pools(): readonly ConnectionPool[] {
    return this.#replicas.map((replica) => replica.pool);
  }

  statuses(): ReplicaStatus[] {
    return this.#replicas.map((replica) => ({ ...replica.status }));
  }

  /** One round of checks (concurrent calls share it). */
  check(): Promise<void> {
    return (this.#checking ??= this.#checkAll().finally(() => (this.#checking = undefined)));
  }

  async #checkAll(): Promise<void> {
    const limit = Math.max(1_000, this.#options.checkEveryMs);
    const now = performance.now();
    try {
      const [row] = await within(this.#primary.query(sql`SELECT pg_current_wal_lsn()::text AS lsn`), limit, 'the primary');
      const lsn = parseLsn(row.lsn as string);
      if (lsn !== undefined) this.#samples.push({ at: now, lsn });
    } catch {
      // The primary is away: reads go on to replicas that answer; their lag is judged on what was sampled before.
    }
    // Keep what can still matter: samples younger than the bound (plus one older, the reference for "more than the bound").
    const horizon = now - this.#options.maxLagMs - 2 * this.#options.checkEveryMs;
    while (this.#samples.length > 2 && this.#samples[1]!.at < horizon) this.#samples.shift();
    await Promise.all(this.#replicas.map((replica) => this.#checkOne(replica, now, limit)));
  }

  async #checkOne(replica: Replica, now: number, limit: number): Promise<void> {
    let next: ReplicaStatus;
    try {
      const [row] = await within(
        replica.pool.query(sql`SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS lsn`),
        limit,
        `replica ${replica.status.replica}`,
      );
      const replayed = typeof row.lsn === 'string' ? parseLsn(row.lsn) : undefined;
      if (!row.standby || replayed === undefined) {
        next = {
          replica: replica.status.replica,
          up: false,
          reason: 'not a streaming standby (pg_is_in_recovery() is false: promoted, or a primary)',
        };
      } else {
        if (replayed > replica.replayed) replica.replayed = replayed;
        const behind = this.#samples.find((sample) => sample.lsn > replica.replayed);
        const lagMs = behind ? Math.round(now - behind.at) : 0;
        next =
          lagMs > this.#options.maxLagMs
            ? {
                replica: replica.status.replica,
                up: false,
                reason: `lagging ${lagMs} ms behind the primary (bound: ${this.#options.maxLagMs} ms)`,
                lagMs,
              }
            : { replica: replica.status.replica, up: true, lagMs };
      }
    } catch (error) {
      next = { replica: replica.status.replica, up: false, reason: 'does not answer', detail: (error as Error).message };
    }
    // The first check's verdict is reported by whoever started the set, not as a change.
    const changed = next.up !== replica.status.up && replica.status.reason !== notCheckedYet;
    replica.status = next;
    if (changed) this.#options.onChange?.(next);
  }

  /**
   * Where a read goes: the index of a replica that is up (in turn), or -1 for
   * the primary. With `atLeast` (a WAL position the client's earlier write
   * produced): only a replica that has replayed it; one that has not yet is
   * asked again every 10 ms for up to `waitMs`, then the read goes to the
   * primary, which has it.
   */
  async choose(atLeast: bigint | undefined, waitMs: number): Promise<{ index: number; reason: 'replica' | 'no-replica' | 'wait-timeout' }> {
    const count = this.#replicas.length;
    let candidate = -1;
    for (let step = 0; step < count; step++) {
      const index = (this.#next + step) % count;
      const replica = this.#replicas[index]!;
      if (!replica.status.up) continue;
      if (atLeast === undefined || replica.replayed >= atLeast) {
        this.#next = (index + 1) % count;
        return { index, reason: 'replica' };
      }
      if (candidate < 0) candidate = index;
    }
    if (candidate < 0) return { index: -1, reason: 'no-replica' };
    this.#next = (candidate + 1) % count;
    const replica = this.#replicas[candidate]!;
    const deadline = performance.now() + waitMs;
    while (replica.status.up) {
      if ((await this.#look(replica).catch(() => 0n)) >= atLeast!) return { index: candidate, reason: 'replica' };
      if (performance.now() + 10 > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return { index: -1, reason: 'wait-timeout' };
  }

  /** The replica's replayed position, asked now (one question at a time, whoever waits). */
  #look(replica: Replica): Promise<bigint> {
    return (replica.looking ??= replica.pool
      .query(sql`SELECT pg_last_wal_replay_lsn()::text AS lsn`)
      .then(([row]) => {
        const lsn = typeof row.lsn === 'string' ? parseLsn(row.lsn) : undefined;
        if (lsn !== undefined && lsn > replica.replayed) replica.replayed = lsn;
        return replica.replayed;
      })
      .finally(() => (replica.looking = undefined)));
  }

  /** A read on replica `index` failed with `error`: if the replica itself is away, take it out now (the read is retried on the primary). */
  failed(index: number, error: unknown): boolean {
    if (!isConnectionFailure(error)) return false;
    const replica = this.#replicas[index]!;
    if (replica.status.up) {
      replica.status = { replica: replica.status.replica, up: false, reason: 'does not answer', detail: (error as Error).message };
      this.#options.onChange?.(replica.status);
    }
    return true;
  }

  /** The primary's WAL position now: after a write committed, a position that includes it. */
  async writePosition(): Promise<string> {
    const [row] = await this.#primary.query(sql`SELECT pg_current_wal_lsn()::text AS lsn`);
    return row.lsn as string;
  }
}

/**
 * An error that says the replica, not the query, failed: no connection
 * (refused, reset, timed out), or the server going away (SQLSTATE class 08
 * connection exception, 57P01-57P03 shutdown, 53300 too many connections).
 * A read that failed so is sent to the primary; any other error is the answer.
 */
function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string') return /connect|timed out|terminat|closed/i.test(String((error as Error | undefined)?.message));
  return /^(08|57P0[1-3]|53300|E[A-Z]+)/.test(code);
}
