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

type Part = Parameters<typeof dbSql.__dangerous__constructFromParts>[0][number];

/** zapatos' compiled SQL cut at its `$n` placeholders: the text pieces, and which value each slot takes. */
interface Template {
  texts: Part[];
  slots: number[];
}

function template(text: string): Template {
  const texts: Part[] = [];
  const slots: number[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$(\d+)/g)) {
    texts.push({ type: 0, text: text.slice(last, match.index) });
    slots.push(Number(match[1]) - 1);
    last = match.index + match[0].length;
  }
  texts.push({ type: 0, text: text.slice(last) });
  return { texts, slots };
}

/** Each placeholder becomes a bound value again, so nothing is ever interpolated into the SQL text. */
function bind({ texts, slots }: Template, values: readonly unknown[]): SQLQuery {
  const parts: Part[] = [];
  for (let i = 0; i < slots.length; i++) parts.push(texts[i]!, { type: 1, value: values[slots[i]!] });
  parts.push(texts[slots.length]!);
  return dbSql.__dangerous__constructFromParts(parts);
}

/** zapatos compiles to `{ text, values }` with `$n` placeholders; @databases/pg takes a SQLQuery. */
export function toSqlQuery({ text, values }: { text: string; values: unknown[] }): SQLQuery {
  const compiled = template(text);
  const highest = Math.max(0, ...compiled.slots.map((slot) => slot + 1));
  if (highest > values.length) throw new Error(`zapatos query refers to $${highest} but has ${values.length} values`);
  return bind(compiled, values);
}

/**
 * A zapatos query compiled once, for the hot paths. Write it with
 * `db.param(…)` placeholders (tsc checks it against the schema like any
 * zapatos query); each call binds its values to those placeholders in order.
 * This skips zapatos' compile on every request (about 5 µs).
 *
 * @example
 *   const byAuthor = prepare<PageRow[], [authorId: number]>(
 *     db.sql<s.books.SQL, PageRow[]>`SELECT … WHERE ${'author_id'} = ${db.param(0)}`);
 *   const rows = await byAuthor(pool, 42);
 */
export function prepare<T, V extends unknown[]>(fragment: SQLFragment<T, unknown>): (queryable: Queryable, ...values: V) => Promise<T> {
  const compiled = template(fragment.compile().text);
  const arity = new Set(compiled.slots).size;
  return async (queryable, ...values) => {
    if (values.length !== arity) throw new Error(`prepared query takes ${arity} values, got ${values.length}`);
    const rows = await queryable.query(bind(compiled, values));
    return fragment.runResultTransform({ rows } as never) as T;
  };
}
