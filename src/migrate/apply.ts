import { repoRoot } from '../project/paths.mjs';
import { describeVerdict, gateMigrations, type GateVerdict } from '../gate/gate.ts';
import { migrationFiles } from '../project/migration-files.ts';
import { pendingMigrations } from './pending.ts';
import { atlas, failureDetail } from '../atlas/run.ts';
import { CommandError } from '../errors/user-error.ts';
import { requireDev, targetFlags } from '../atlas/flags.ts';
import { defaultEnv } from '../config/env.ts';
import { assertNothingSkipped } from './out-of-order.ts';
import { backoffMs, failedVersion, isLockTimeout, withLockTimeout } from './lock-timeout.ts';
import { describeUnknownRevisions, unknownRevisions } from './applied-revisions.ts';

export interface ApplyOptions {
  /** The scratch (dev) database the gate replays migrations in; needed when any is pending. */
  dev: string | undefined;
  /** Echo the Atlas command and its output. */
  echo?: boolean;
  /** The project whose migrations/ to apply (default: this checkout). */
  root?: string;
  /** Where the gate's verdict goes: one summary line, or (with `showWarnings`) each warning too. */
  log?: (line: string) => void;
  showWarnings?: boolean;
  /** Each migration's lock_timeout in ms, 0 for none (default: MIGRATION_LOCK_TIMEOUT_MS's default; commands pass the configured one). */
  lockTimeoutMs?: number;
  /** Retries after a lock timeout (default: MIGRATION_LOCK_RETRIES). */
  lockRetries?: number;
  /** The first retry's backoff in ms, doubling after each (default: MIGRATION_LOCK_RETRY_DELAY_MS). */
  retryDelayMs?: number;
}

/** The gate refused the pending migrations; nothing was applied. */
export class GateRefusal extends CommandError {
  constructor(readonly verdict: GateVerdict) {
    const lines = describeVerdict(verdict);
    super(
      `refusing to apply ${verdict.files.length} pending migration(s): the migration gate found ` +
        `${verdict.blockers.length} problem(s); nothing was applied.\n${lines.join('\n')}`,
    );
  }
}

/**
 * The pending migrations and the gate's verdict on them, without applying
 * anything. `verdict` is null when nothing is pending.
 */
export async function judgePending(url: string, options: ApplyOptions): Promise<{ pending: string[]; verdict: GateVerdict | null }> {
  const root = options.root ?? repoRoot;
  const unknown = await gateStep(() =>
    unknownRevisions(
      url,
      migrationFiles(root).map((file) => file.name),
    ),
  );
  if (unknown.length > 0) throw new CommandError(describeUnknownRevisions(unknown));
  // Atlas skips a file older than the last applied version, silently, and reads
  // an unreadable revisions table as "nothing applied": both stop here.
  await gateStep(() => assertNothingSkipped(root, url));
  const pending = await gateStep(() => pendingMigrations(root, url, options.dev));
  if (pending.length === 0) return { pending, verdict: null };
  const dev = requireDev(
    options,
    `the migration gate checks the ${pending.length} pending migration(s) on a scratch database before they run`,
  );
  const names = migrationFiles(root).map((file) => file.name);
  // Pending files are the newest ones (Atlas applies in order), so the gate
  // judges from the oldest pending file to the end.
  const latest = names.length - Math.max(0, names.indexOf(pending[0]!));
  return { pending, verdict: await gateStep(() => gateMigrations(root, dev, latest)) };
}

/** A gate step that cannot run (Atlas refuses the directory, the dev database is away) stops the apply with its reason. */
async function gateStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof CommandError) throw error;
    throw new CommandError(
      `the migration gate could not judge the pending migrations, so nothing was applied: ${(error as Error).message}`,
    );
  }
}

/**
 * The one way migrations are applied (`db:apply`, a migrating `npm start`,
 * the tests): the gate judges the pending files first, and refuses them all
 * (GateRefusal) before anything runs; otherwise `atlas migrate apply`
 * against `url` (the direct URL on Neon).
 */
export async function applyMigrations(url: string, options: ApplyOptions): Promise<{ applied: string[]; warnings: number }> {
  const root = options.root ?? repoRoot;
  const { pending, verdict } = await judgePending(url, options);
  if (!verdict) return { applied: [], warnings: 0 };
  if (verdict.blockers.length > 0) throw new GateRefusal(verdict);
  if (options.showWarnings) for (const line of describeVerdict(verdict)) options.log?.(line);
  const warnings = verdict.warnings.length;
  options.log?.(
    `migration gate: ${pending.length} pending migration(s) accepted` +
      (warnings ? ` with ${warnings} warning(s)${options.showWarnings ? '' : ' (npm run db:apply -- --dry-run shows them)'}` : ''),
  );
  await applyWithBoundedLocks(url, root, options);
  return { applied: pending, warnings };
}

/**
 * `atlas migrate apply` with every session's lock_timeout bounded, so a
 * migration that waits behind a long transaction gives up after the bound
 * instead of queueing the API's queries behind it. A file that timed out ran
 * in its own transaction, which rolled back: Atlas left no revision for it,
 * and after a backoff the apply runs again from that file. Other errors, and
 * a lock timeout in a file that runs outside a transaction (`-- atlas:txmode
 * none`: what ran before stays), are not retried.
 */
async function applyWithBoundedLocks(url: string, root: string, options: ApplyOptions): Promise<void> {
  const lockTimeoutMs = options.lockTimeoutMs ?? defaultEnv.MIGRATION_LOCK_TIMEOUT_MS;
  const retries = options.lockRetries ?? defaultEnv.MIGRATION_LOCK_RETRIES;
  const baseDelay = options.retryDelayMs ?? defaultEnv.MIGRATION_LOCK_RETRY_DELAY_MS;
  const args = ['migrate', 'apply', ...targetFlags({ migrate: withLockTimeout(url, lockTimeoutMs), dev: options.dev })];
  for (let attempt = 1; ; attempt++) {
    const run = await atlas(args, { echo: options.echo ?? false, cwd: root });
    if (run.code === 0) return;
    const output = `${run.stderr}\n${run.stdout}`;
    const version = failedVersion(output);
    const file = version ? migrationFiles(root).find((candidate) => candidate.name.startsWith(version)) : undefined;
    const statement = /executing statement "((?:[^"\\]|\\.)*)"/.exec(run.stderr)?.[1]?.replace(/\\(.)/g, '$1');
    if (!isLockTimeout(output)) {
      throw new CommandError(`atlas migrate apply failed (exit ${run.code})${failureDetail(run, options.echo ?? false)}`, run.code);
    }
    const waited =
      `${file?.name ?? 'a migration'} waited longer than lock_timeout (${lockTimeoutMs} ms) for a lock` +
      (statement ? ` (${statement})` : " (Atlas's own lock: another apply is running)");
    if (file?.noTransaction) {
      throw new CommandError(
        `${waited}. The file runs outside a transaction (-- atlas:txmode none), so the statements before that one stay applied and it is not retried: ` +
          'a CREATE INDEX CONCURRENTLY that timed out leaves an INVALID index (DROP INDEX CONCURRENTLY it). ' +
          'Find the long transaction in pg_stat_activity, let it finish, then run `npm run db:apply` again ' +
          '(or, for an index build, which blocks no reads or writes while it waits, MIGRATION_LOCK_TIMEOUT_MS=0).',
      );
    }
    if (attempt > retries) {
      throw new CommandError(
        `${waited}, ${attempt} time(s); nothing of that file was applied (its transaction rolled back; earlier files stay applied). ` +
          'A long transaction holds a lock on the table: find it with ' +
          '`SELECT pid, xact_start, state, query FROM pg_stat_activity WHERE pid = ANY (pg_blocking_pids(<pid of the waiting migration>))` ' +
          'or in pg_locks, let it finish (or end it), then run `npm run db:apply` again; ' +
          'MIGRATION_LOCK_TIMEOUT_MS and MIGRATION_LOCK_RETRIES set the bound and the retries ' +
          '(Postgres: "canceling statement due to lock timeout", SQLSTATE 55P03).',
      );
    }
    const delay = backoffMs(attempt, baseDelay);
    options.log?.(`${waited}; nothing of it was applied. Retry ${attempt} of ${retries} in ${(delay / 1000).toFixed(1)} s.`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
