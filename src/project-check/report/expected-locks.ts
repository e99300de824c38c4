import { tableOfStatement } from './touched-rows.ts';

/**
 * The table lock a statement kind takes, from Postgres' documentation
 * ("Table-Level Locks" and each command's page): the fallback when the
 * rehearsal could not see the lock itself (a statement that failed, or one
 * outside a transaction that ended between two samples). Reported as
 * expected, never as measured.
 */
export function expectedLock(sql: string): { relation: string; mode: string } | null {
  const table = tableOfStatement(sql);
  if (!table) return null;
  const relation = table.replace(/"([a-z_][a-z0-9_$]*)"/g, '$1');
  const text = sql.replace(/\s+/g, ' ').trim().toUpperCase();
  const mode = /^CREATE (UNIQUE )?INDEX CONCURRENTLY/.test(text)
    ? 'ShareUpdateExclusiveLock'
    : /^CREATE (UNIQUE )?INDEX/.test(text)
      ? 'ShareLock'
      : /^ALTER TABLE .* VALIDATE CONSTRAINT/.test(text) || /^ALTER TABLE .* SET STATISTICS/.test(text)
        ? 'ShareUpdateExclusiveLock'
        : /^ALTER TABLE [^;]* ADD (CONSTRAINT \S+ )?FOREIGN KEY/.test(text)
          ? 'ShareRowExclusiveLock'
          : /^(ALTER|DROP|TRUNCATE) TABLE/.test(text)
            ? 'AccessExclusiveLock'
            : /^(UPDATE|DELETE)/.test(text)
              ? 'RowExclusiveLock'
              : null;
  return mode ? { relation, mode } : null;
}
