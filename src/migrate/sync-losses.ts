import type { Catalog } from '../catalog/object.ts';
import { withClient } from '../postgres/client.ts';

/**
 * What db:sync cannot keep, said before it changes anything: the values in
 * columns, and the rows in tables, that only the other branch has (its
 * migrations make them again, empty, when you switch back). Counted on the
 * live database in a read-only transaction.
 */
export async function describeLosses(url: string, live: Catalog, desired: Catalog): Promise<string[]> {
  const gone = [...live.values()].filter((object) => !desired.has(`${object.kind} ${object.name}`));
  const tables = gone.filter((object) => object.kind === 'table' && !object.inherited).map((table) => table.name);
  const columns = gone.filter((object) => object.kind === 'column' && !object.inherited && !tables.includes(object.dependsOn?.[0] ?? ''));
  if (tables.length === 0 && columns.length === 0) return [];
  return withClient(url, async (client) => {
    const lines: string[] = [];
    await client.query('BEGIN READ ONLY');
    try {
      // Catalog names are Postgres' own quoted forms (regclass text, quote_ident): usable as SQL as they are.
      for (const table of tables) {
        const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
        lines.push(`the other branch's table ${table} goes, with its ${rows[0]!.n} row(s)`);
      }
      for (const column of columns) {
        const table = column.dependsOn![0]!;
        const name = column.name.slice(table.length + 1);
        const { rows } = await client.query<{ n: string }>(`SELECT count(${name}) AS n FROM ${table}`);
        lines.push(`the other branch's column ${column.name} goes, with its ${rows[0]!.n} non-null value(s); every row of ${table} stays`);
      }
    } finally {
      await client.query('ROLLBACK');
    }
    return lines;
  });
}
