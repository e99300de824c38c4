import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { lineAt, splitStatements } from '../../project/sql-statements.ts';
import type { MigrationFile } from '../../project/migration-files.ts';
import { connectClient } from '../../postgres/client.ts';
import { redactSecrets } from '../../config/redact.ts';
import { expectedLock } from './expected-locks.ts';
import { strongestLocks, unmeasuredLock, watchLocks, type RawLock } from './lock-watch.ts';
import type { LockHeld, RehearsedFile, RehearsedStatement } from './model.ts';
import { relationFiles, relationNames, rewrittenSince } from './relations.ts';

export interface RehearsalRun {
  files: RehearsedFile[];
  succeeded: boolean;
  totalMs: number;
}

/**
 * Applies migration files to a copy of the target, as Atlas would (each
 * file in one transaction unless it starts with `-- atlas:txmode none`),
 * one statement at a time so that each is measured: its time, the locks
 * its session took (pg_locks, watched from a second connection) and the
 * tables or indexes it rewrote (relfilenode before and after). Stops at
 * the first failing statement, as `atlas migrate apply` does; what did not
 * run is counted, not hidden. Never point it at a database you keep: the
 * migrations are applied for real (and not recorded in Atlas's revisions).
 */
export async function rehearse(copyUrl: string, files: MigrationFile[], isNew: (file: string) => boolean): Promise<RehearsalRun> {
  const main = await connectClient(copyUrl);
  const monitor = await connectClient(copyUrl);
  const started = performance.now();
  const rehearsed: RehearsedFile[] = [];
  let failed = false;
  try {
    const pid = (await main.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    for (const file of files) {
      const statements = splitStatements(file.text).filter((statement) => !statement.metaCommand);
      const report: RehearsedFile = {
        file: file.name,
        new: isNew(file.name),
        transaction: !file.noTransaction,
        statements: [],
        notRun: 0,
        heldUntilCommit: [],
      };
      rehearsed.push(report);
      if (failed) {
        report.notRun = statements.length;
        continue;
      }
      if (report.transaction) await main.query('BEGIN');
      let held: RawLock[] = [];
      for (const [index, statement] of statements.entries()) {
        const result = await runOne(main, monitor, pid, statement.text, held, report.transaction);
        report.statements.push(result.statement(lineAt(file.text, statement.start)));
        if (report.transaction) held = result.raw;
        if (result.error) {
          failed = true;
          report.notRun = statements.length - index - 1;
          break;
        }
      }
      if (report.transaction) {
        // After a failure the transaction is aborted: names come from the other connection (relations it made are gone anyway).
        report.heldUntilCommit = strongestLocks(
          held,
          await relationNames(
            failed ? monitor : main,
            held.map((lock) => lock.oid),
          ),
        );
        await main.query(failed ? 'ROLLBACK' : 'COMMIT');
      }
    }
  } finally {
    await Promise.allSettled([main.end(), monitor.end()]);
  }
  return { files: rehearsed, succeeded: !failed, totalMs: Math.round(performance.now() - started) };
}

/** One statement, measured. `heldBefore`: what the transaction held already (not reported again). */
async function runOne(main: pg.Client, monitor: pg.Client, pid: number, sql: string, heldBefore: RawLock[], inTransaction: boolean) {
  const before = await relationFiles(main);
  const watch = watchLocks(monitor, pid);
  const t0 = performance.now();
  let error: string | undefined;
  try {
    await main.query(sql);
  } catch (e) {
    error = redactSecrets((e as Error).message);
  }
  const ms = Math.round((performance.now() - t0) * 10) / 10;
  const raw = await watch.stop();
  const known = new Set(heldBefore.map((lock) => `${lock.oid}:${lock.mode}`));
  const fresh = raw.filter((lock) => !known.has(`${lock.oid}:${lock.mode}`));
  // After an error the transaction is aborted (its locks held until ROLLBACK): name them from the other connection.
  const names = await relationNames(
    error ? monitor : main,
    fresh.map((lock) => lock.oid),
  );
  const locks: LockHeld[] = strongestLocks(fresh, names);
  const expected = expectedLock(sql);
  // A failed statement released its locks before they could be seen; so may one outside a transaction that ended between two samples.
  if (expected && !locks.some((lock) => lock.relation === expected.relation) && (error || !inTransaction)) {
    locks.unshift(unmeasuredLock(expected.relation, expected.mode));
  }
  const rewrites = error ? [] : (await rewrittenSince(main, before)).rewrites;
  return {
    raw,
    error,
    statement: (line: number): RehearsedStatement => ({ line, sql: sql.trim(), ms, locks, rewrites, ...(error ? { error } : {}) }),
  };
}
