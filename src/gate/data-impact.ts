import { redactSecrets } from '../config/redact.ts';
import type { ColumnType } from './column-types.ts';
import type { Finding } from './finding.ts';
import { withClient } from '../postgres/client.ts';

const integerRange: Record<string, [string, string]> = {
  int2: ['-32768', '32767'],
  int4: ['-2147483648', '2147483647'],
  int8: ['-9223372036854775808', '9223372036854775807'],
};

/**
 * Data loss you can only see in the data: for each finding of our data-loss
 * rules, how many rows of the target database it would change or lose, by
 * read-only queries on the target itself (it holds the rows the pending
 * migrations would meet: no copy needed). A column the target does not have
 * yet (made by an earlier pending migration) holds no rows to lose.
 */
export async function dataImpact(targetUrl: string, findings: Finding[]): Promise<string[]> {
  const subjects = findings.filter((finding) => finding.subject);
  if (subjects.length === 0) return [];
  return withClient(targetUrl, async (client) => {
    const lines: string[] = [];
    const counted = new Set<string>();
    for (const { subject, rule } of subjects) {
      const { table, column, newType } = subject!;
      // A DROP + ADD is also Atlas's dropped column (DS103): one count for one column's loss.
      const once = `${table}.${column}.${newType?.display ?? 'lost'}`;
      if (counted.has(once)) continue;
      counted.add(once);
      const name = `"${table}"."${column}"`;
      const c = client.escapeIdentifier(column);
      const changes = newType ? changedValues(c, newType) : 'true';
      try {
        await client.query('BEGIN READ ONLY');
        await client.query(`SET LOCAL statement_timeout = '60s'`);
        const { rows } = await client.query<{ total: string; hit: string; example: string | null }>(
          `SELECT count(${c}) AS total, count(${c}) FILTER (WHERE ${changes}) AS hit,
                  left(min(${c}::text) FILTER (WHERE ${changes}), 40) AS example
             FROM ${client.escapeIdentifier(table)}`,
        );
        const { total, hit, example } = rows[0]!;
        const what = rule === 'drop-add-column' || !newType ? 'would be lost' : 'would be changed or make the ALTER fail';
        lines.push(`rows: ${name}: ${hit} of ${total} non-null values ${what}${example !== null && newType ? ` (e.g. ${example})` : ''}`);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === '42P01' || code === '42703') {
          lines.push(`rows: ${name}: not in the target yet (an earlier pending migration makes it), so no rows to lose`);
        } else {
          // Counting is a courtesy: its failure (a timeout on a huge table) must not hide the verdict.
          lines.push(`rows: ${name}: not counted (${redactSecrets((error as Error).message)})`);
        }
      } finally {
        await client.query('ROLLBACK');
      }
    }
    return lines;
  });
}

/** A SQL condition: the value of column `c` does not survive the change to `to`. */
function changedValues(c: string, to: ColumnType): string {
  if (to.name in integerRange) {
    const [min, max] = integerRange[to.name]!;
    return `(${c}::numeric <> trunc(${c}::numeric) OR ${c}::numeric < ${min} OR ${c}::numeric > ${max})`;
  }
  if (to.name === 'numeric' && to.typmod >= 0) {
    const precision = ((to.typmod - 4) >> 16) & 0xffff;
    const scale = (to.typmod - 4) & 0xffff;
    return `(round(${c}::numeric, ${scale}) <> ${c}::numeric OR abs(round(${c}::numeric, ${scale})) >= 10::numeric ^ ${precision - scale})`;
  }
  if (to.name === 'float4') return `(${c}::float8::float4::float8 <> ${c}::float8)`;
  if (['varchar', 'bpchar'].includes(to.name) && to.typmod >= 0) return `(length(${c}::text) > ${to.typmod - 4})`;
  return 'false';
}
