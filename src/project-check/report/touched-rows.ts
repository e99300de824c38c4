import { lineAt, splitStatements } from '../../project/sql-statements.ts';
import { dataImpact } from '../../gate/data-impact.ts';
import type { Finding } from '../../gate/finding.ts';
import type { MigrationFile } from '../../project/migration-files.ts';
import { withClient } from '../../postgres/client.ts';
import { redactSecrets } from '../../config/redact.ts';

/**
 * What one gate finding touches in the target: for our data-loss rules the
 * rows whose values would change or be lost (data-impact.ts counts them);
 * for every finding, the rows of the table its statement alters, since
 * that is what a lock waits on and a rewrite copies. Read-only queries.
 */
export async function touchedRows(targetUrl: string, finding: Finding, file: MigrationFile | undefined): Promise<string[]> {
  const lines = finding.subject ? await dataImpact(targetUrl, [finding]) : [];
  const table = file ? tableOfStatementAt(file.text, finding.line) : null;
  if (table) lines.push(await tableRows(targetUrl, table));
  return lines;
}

/** The table the statement covering `line` acts on, if it names one. */
export function tableOfStatementAt(text: string, line: number): string | null {
  const statement = splitStatements(text).find((s) => lineAt(text, s.start) <= line && line <= lineAt(text, s.end));
  return statement ? tableOfStatement(statement.text) : null;
}

/** The table an ALTER/DROP/TRUNCATE TABLE, CREATE INDEX, UPDATE or DELETE statement acts on, as written. */
export function tableOfStatement(sql: string): string | null {
  const identifier = String.raw`((?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)(?:\.(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*))?)`;
  const patterns = [
    new RegExp(String.raw`^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${identifier}`, 'i'),
    new RegExp(String.raw`^(?:DROP|TRUNCATE)\s+TABLE\s+(?:IF\s+EXISTS\s+)?${identifier}`, 'i'),
    new RegExp(
      String.raw`^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?:"(?:[^"]|"")+"|[\w$]+)?\s*ON\s+(?:ONLY\s+)?${identifier}`,
      'i',
    ),
    new RegExp(String.raw`^(?:UPDATE|DELETE\s+FROM)\s+(?:ONLY\s+)?${identifier}`, 'i'),
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(sql.trim());
    if (match) return match[1]!;
  }
  return null;
}

/** `rows: <table>: N rows` (exact when counted in 10 s, else Postgres' estimate), or why not. */
async function tableRows(targetUrl: string, table: string): Promise<string> {
  const shown = table.replace(/"([a-z_][a-z0-9_$]*)"/g, '$1');
  return withClient(targetUrl, async (client) => {
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`SET LOCAL statement_timeout = '10s'`);
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
      return `rows: ${shown}: ${rows[0]!.n} rows in the table`;
    } catch (error) {
      const code = (error as { code?: string }).code;
      await client.query('ROLLBACK').catch(() => {});
      if (code === '42P01') return `rows: ${shown}: not in the target yet (made by a migration not applied there), so no rows`;
      if (code === '57014') {
        const estimate = await client.query<{ n: string }>(`SELECT reltuples::bigint AS n FROM pg_class WHERE oid = $1::regclass`, [table]);
        return `rows: ${shown}: about ${estimate.rows[0]?.n ?? '?'} rows (Postgres' estimate; counting took over 10 s)`;
      }
      return `rows: ${shown}: not counted (${redactSecrets((error as Error).message)})`;
    } finally {
      await client.query('ROLLBACK').catch(() => {});
    }
  });
}
