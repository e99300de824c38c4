import { lineAt, splitStatements } from '../project/sql-statements.ts';
import { allowedRules } from './data-loss.ts';
import type { Finding } from './finding.ts';
import type { MigrationFile } from '../project/migration-files.ts';

/**
 * A migration that sets its own timeouts (issue 19, B11). The apply path
 * bounds every migration's lock waits (`lock_timeout` =
 * MIGRATION_LOCK_TIMEOUT_MS, src/db/lock-timeout.ts) and retries on a
 * timeout, so that an ALTER waiting behind a long reader cannot queue every
 * later query on its table. pg_dump writes `SET lock_timeout = 0;` and
 * `SET statement_timeout = 0;` at the top of every dump, and a dump pasted
 * into a migration silently lifts that bound: measured, such a file waited
 * 19.7 s behind a reader holding ACCESS SHARE while the API queued behind it.
 *
 * - `lock-timeout-disabled` (fails): lock_timeout set to 0, DEFAULT or
 *   RESET (also `SET LOCAL`, `RESET ALL`, `set_config(...)`): the wait is unbounded.
 * - `lock-timeout-changed` (warns): another value replaces the apply path's bound for the rest of the file.
 * - `statement-timeout-changed` (warns): statement_timeout set or reset lifts or moves the bound
 *   the role or database may set on every statement.
 * Opt-out: `-- bookshelf:allow <rule>` anywhere in the file (then a warning).
 */
const setting = String.raw`(lock_timeout|statement_timeout)`;
const setStatement = new RegExp(String.raw`^SET\s+(?:(?:SESSION|LOCAL)\s+)?${setting}\s*(?:=|\bTO\b)\s*(.+?)\s*;?$`, 'is');
const resetStatement = new RegExp(String.raw`^RESET\s+(${setting.slice(1, -1)}|ALL)\s*;?$`, 'is');
const setConfig = new RegExp(String.raw`set_config\s*\(\s*'${setting}'\s*,\s*'([^']*)'`, 'gi');

/** `0`, `'0'`, `'0ms'`, `DEFAULT`: no bound (Postgres' default lock_timeout is 0). */
const unbounded = (value: string) => /^(?:'?\s*0+\s*(?:ms|s|min|h|d)?\s*'?|DEFAULT)$/i.test(value.trim());

interface Change {
  name: 'lock_timeout' | 'statement_timeout';
  value: string;
  offset: number;
}

function changesIn(file: MigrationFile): Change[] {
  const changes: Change[] = [];
  for (const statement of splitStatements(file.text)) {
    const set = setStatement.exec(statement.text);
    if (set) changes.push({ name: set[1]!.toLowerCase() as Change['name'], value: set[2]!, offset: statement.start });
    const reset = resetStatement.exec(statement.text);
    if (reset) {
      const names =
        reset[1]!.toUpperCase() === 'ALL' ? (['lock_timeout', 'statement_timeout'] as const) : [reset[1]!.toLowerCase() as Change['name']];
      for (const name of names) changes.push({ name, value: 'DEFAULT', offset: statement.start });
    }
    for (const call of statement.text.matchAll(setConfig)) {
      changes.push({ name: call[1]!.toLowerCase() as Change['name'], value: call[2]!, offset: statement.start + call.index! });
    }
  }
  return changes;
}

export function timeoutSettingFindings(files: MigrationFile[]): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) {
    const allowed = allowedRules(file.text);
    for (const change of changesIn(file)) {
      const line = lineAt(file.text, change.offset);
      const shown = `${change.name} = ${change.value.trim()}`;
      const finding = (rule: string, level: 'fail' | 'warn', message: string) =>
        findings.push({
          file: file.name,
          line,
          source: 'bookshelf',
          rule,
          level: allowed.has(rule) ? 'warn' : level,
          message,
          optOut: `-- bookshelf:allow ${rule}`,
        });
      if (change.name === 'lock_timeout' && unbounded(change.value)) {
        finding(
          'lock-timeout-disabled',
          'fail',
          `${shown} disables the bounded lock wait db:apply sets (MIGRATION_LOCK_TIMEOUT_MS): behind a long reader this file waits ` +
            'without limit while every later query on the table queues behind it. Delete the line (pg_dump writes it at the top of every dump).',
        );
      } else if (change.name === 'lock_timeout') {
        finding(
          'lock-timeout-changed',
          'warn',
          `${shown} replaces the lock wait bound db:apply sets (MIGRATION_LOCK_TIMEOUT_MS) for the rest of this file; delete the line to keep it.`,
        );
      } else {
        finding(
          'statement-timeout-changed',
          'warn',
          `${shown} lifts or moves the statement bound the role or database sets, for the rest of this file's session; ` +
            'delete the line unless a long statement needs it (pg_dump writes `statement_timeout = 0` at the top of every dump).',
        );
      }
    }
  }
  return findings;
}
