import { sql as dbSql, type Queryable, type SQLQuery } from '@databases/pg';
import type { SQLFragment } from 'zapatos/db';

/**
 * Runs a zapatos query through @databases/pg: zapatos builds and types the
 * SQL (a misspelt column fails `tsc`), @databases/pg owns the one pool and
 * the transactions.
 *
 * @example
 *   import * as db from 'zapatos/db';
 *   const authors = await run(pool, db.select('authors', db.all, { limit: 10 }));
 *   //    ^? authors.JSONSelectable[]
 */
export async function run<T>(queryable: Queryable, fragment: SQLFragment<T, unknown>): Promise<T> {
  if (fragment.noop) return fragment.noopResult as T;
  const rows = await queryable.query(toSqlQuery(fragment.compile()));
  return fragment.runResultTransform({ rows } as never) as T;
}

const placeholder = /\$(\d+)/g;

/**
 * zapatos compiles to `{ text, values }` with `$n` placeholders; @databases/pg
 * takes a SQLQuery. Each placeholder becomes a bound value again, so nothing
 * is ever interpolated into the SQL text.
 */
export function toSqlQuery({ text, values }: { text: string; values: unknown[] }): SQLQuery {
  const parts: Parameters<typeof dbSql.__dangerous__constructFromParts>[0][number][] = [];
  let last = 0;
  for (const match of text.matchAll(placeholder)) {
    const index = Number(match[1]) - 1;
    if (index >= values.length) throw new Error(`zapatos query refers to $${index + 1} but has ${values.length} values`);
    parts.push({ type: 0, text: text.slice(last, match.index) }, { type: 1, value: values[index] });
    last = match.index + match[0].length;
  }
  parts.push({ type: 0, text: text.slice(last) });
  return dbSql.__dangerous__constructFromParts(parts);
}
