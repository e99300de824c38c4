import { sql as dbSql, type Queryable, type SQLQuery } from '@databases/pg';
import * as db from 'zapatos/db';
import type { SQLFragment } from 'zapatos/db';
import type { InsertableForTable, JSONSelectableForTable, Table } from 'zapatos/schema';
import { queryPrepared, statementOf } from './named-statements.ts';

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
function bindParts({ texts, slots }: Template, values: readonly unknown[]): Part[] {
  const parts: Part[] = [];
  for (let i = 0; i < slots.length; i++) parts.push(texts[i]!, { type: 1, value: values[slots[i]!] });
  parts.push(texts[slots.length]!);
  return parts;
}

function bind(template: Template, values: readonly unknown[]): SQLQuery {
  return dbSql.__dangerous__constructFromParts(bindParts(template, values));
}

/**
 * Templates of the texts zapatos compiled lately: the same query (an insert
 * of the same columns, a select by id) compiles to the same text every time,
 * so it is cut at its placeholders once. Bounded: a text is a query shape
 * from this code, not client data, but the map must not grow without end.
 */
const templates = new Map<string, Template>();
const maxTemplates = 1_000;

function templateOf(text: string): Template {
  let compiled = templates.get(text);
  if (!compiled) {
    if (templates.size >= maxTemplates) templates.clear();
    templates.set(text, (compiled = template(text)));
  }
  return compiled;
}

/** zapatos compiles to `{ text, values }` with `$n` placeholders; @databases/pg takes a SQLQuery. */
export function toSqlQuery({ text, values }: { text: string; values: unknown[] }): SQLQuery {
  const compiled = templateOf(text);
  let highest = 0;
  for (const slot of compiled.slots) highest = Math.max(highest, slot + 1);
  if (highest > values.length) throw new Error(`zapatos query refers to $${highest} but has ${values.length} values`);
  return bind(compiled, values);
}

/**
 * A zapatos query compiled once, for the hot paths. Write it with
 * `db.param(…)` placeholders (tsc checks it against the schema like any
 * zapatos query); each call binds its values to those placeholders in order.
 * This skips zapatos' compile on every request (about 5 µs), and on the
 * app's pool the query is a named prepared statement, so Postgres parses and
 * plans it once per connection rather than on every call
 * (named-statements.ts).
 *
 * @example
 *   const byAuthor = prepare<PageRow[], [authorId: number]>(
 *     db.sql<s.books.SQL, PageRow[]>`SELECT … WHERE ${'author_id'} = ${db.param(0)}`);
 *   const rows = await byAuthor(pool, 42);
 */
export function prepare<T, V extends unknown[]>(fragment: SQLFragment<T, unknown>): (queryable: Queryable, ...values: V) => Promise<T> {
  const compiled = template(fragment.compile().text);
  const arity = new Set(compiled.slots).size;
  const statement = statementOf(bindParts(compiled, []));
  return async (queryable, ...values) => {
    if (values.length !== arity) throw new Error(`prepared query takes ${arity} values, got ${values.length}`);
    const ordered = compiled.slots.map((slot) => values[slot]);
    const rows = await queryPrepared(queryable, statement, bindParts(compiled, values), ordered);
    return fragment.runResultTransform({ rows } as never) as T;
  };
}

/**
 * `db.insert(table, row)` for one row, compiled by zapatos once per set of
 * columns instead of on every call (about 10 µs of a create's CPU): the
 * first row with a given set of keys is compiled with a placeholder per
 * column, and later rows with the same keys bind their values to it. A row
 * is never interpolated. Only plain values (what a validated JSON body
 * holds) take this path; a row holding a zapatos fragment, `db.Default` or
 * a parameter is compiled as it is.
 *
 * @example
 *   const insertBook = insertOne('books');
 *   const book = await insertBook(pool, { title: 'Dune', author_id: 1 });
 *   //    ^? books.JSONSelectable
 */
export function insertOne<T extends Table>(
  table: T,
): (queryable: Queryable, row: InsertableForTable<T>) => Promise<JSONSelectableForTable<T>> {
  type Insert = (queryable: Queryable, ...values: unknown[]) => Promise<JSONSelectableForTable<T>>;
  const shapes = new Map<string, { insert: Insert; order: number[] }>();
  return async (queryable, row) => {
    const keys = Object.keys(row);
    const values = keys.map((key) => (row as unknown as Record<string, unknown>)[key]);
    if (!values.every(isPlainValue)) {
      return run(queryable, db.insert(table, row) as SQLFragment<JSONSelectableForTable<T>, unknown>);
    }
    const key = keys.join('\0');
    let shape = shapes.get(key);
    if (!shape) {
      // Each placeholder's value is its column's index in `keys`: after compiling, values[n - 1] says which column $n takes.
      const placeholders = Object.fromEntries(keys.map((column, i) => [column, db.param(i, false)]));
      const fragment = db.insert(table, placeholders as unknown as InsertableForTable<T>) as SQLFragment<
        JSONSelectableForTable<T>,
        unknown
      >;
      shape = { insert: prepare<JSONSelectableForTable<T>, unknown[]>(fragment), order: fragment.compile().values as number[] };
      // The set of columns a validated body may hold is bounded by the table; the bound is a guard.
      if (shapes.size >= 256) shapes.clear();
      shapes.set(key, shape);
    }
    return shape.insert(queryable, ...shape.order.map((i) => values[i]));
  };
}

/** A value zapatos would send as a plain parameter (its default config): JSON's values, and Dates. */
function isPlainValue(value: unknown): boolean {
  if (value === null || value instanceof Date || Array.isArray(value)) return true;
  if (typeof value === 'object') return Object.getPrototypeOf(value) === Object.prototype;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint';
}

/**
 * Runs SQL text this program built (src/db/resource-queries.ts: the
 * resources' queries, made from the catalog, never from client text) with
 * `$1…$n` placeholders bound to `values`, as a named prepared statement
 * like prepare()'s: each distinct text is cut and named once. The texts are
 * bounded by the declared resources' columns; the cache is bounded too.
 */
const texts = new Map<string, { compiled: Template; statement: ReturnType<typeof statementOf> }>();

export function queryText(queryable: Queryable, text: string, values: readonly unknown[]): Promise<unknown[]> {
  let entry = texts.get(text);
  if (!entry) {
    if (texts.size >= maxTemplates) texts.clear();
    const compiled = template(text);
    texts.set(text, (entry = { compiled, statement: statementOf(bindParts(compiled, [])) }));
  }
  const ordered = entry.compiled.slots.map((slot) => values[slot]);
  return queryPrepared(queryable, entry.statement, bindParts(entry.compiled, values), ordered);
}
