import type { Queryable } from '@databases/pg';
import { queryText } from './run.ts';

/**
 * The SQL of the declared HTTP resources (src/http/resources.ts), one
 * statement per query shape, built from the catalog that db:types recorded
 * (src/db/zapatos/api-shapes.ts): names come from there, never from a
 * client; every value a client sends is a bound parameter. Every query is a
 * named prepared statement (run.ts queryText), and a list page is one row
 * from Postgres holding the page as JSON text (`string_agg` of each row's
 * `to_json`), so Node neither parses nor serialises the rows.
 */
export interface RelationSql {
  /** The table or view. */
  name: string;
  /** The columns that identify a row (the primary key, or a view's declared key), in order. */
  key: readonly string[];
  /** json and jsonb columns: their values are sent as JSON text. */
  jsonColumns: readonly string[];
}

export type FilterOp = 'eq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in';

export interface Filter {
  column: string;
  op: FilterOp;
  /** A value as text, or the values of an `in` list. */
  value: string | string[];
}

export interface ListRequest {
  filters: readonly Filter[];
  /** The columns rows are ordered by (the order column, then the key): unique, so the keyset is exact. */
  order: readonly string[];
  descending: boolean;
  /** The previous page's last row: its `order` columns' values, as text. */
  after?: readonly string[] | undefined;
  limit: number;
}

export interface RowsPage {
  /** `[…]`: the rows as Postgres' to_json made them. */
  json: string;
  count: number;
  /** The last row's `order` values as text: the next page's cursor. */
  last: string[] | undefined;
}

/** A child relation (rows of another table whose foreign key names this row) or a parent one (the row this one's names). */
export interface Embed {
  /** The key the related rows get in the answer. */
  name: string;
  kind: 'children' | 'parent';
  /** The other table. */
  table: string;
  /** children: the child's foreign-key columns; parent: this row's. */
  columns: readonly string[];
  /** children: this row's columns they refer to; parent: the parent's. */
  references: readonly string[];
  /** children: the child's key, their order. */
  order: readonly string[];
  /** children: at most this many. */
  limit: number;
}

const id = (name: string) => `"${name.replace(/"/g, '""')}"`;

const operators: Record<Exclude<FilterOp, 'in'>, string> = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

/**
 * A page size written into the statement's text, not bound as `$n`: with
 * `LIMIT $n` Postgres' plan for the prepared statement cannot know how many
 * rows it returns (it assumes a tenth of the table), so it planned the query
 * afresh on every execution and never used the prepared plan (pg_prepared_statements:
 * custom_plans only). Validated here, as a text must only ever hold what this
 * program made; a page size is one of a few hundred values, so the texts stay few.
 */
function limitLiteral(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`a page size must be a positive integer, not ${limit}`);
  return String(limit);
}

/** Collects `$n` values for one statement. */
class Values {
  readonly list: unknown[] = [];
  add(value: unknown): string {
    this.list.push(value);
    return `$${this.list.length}`;
  }
}

/** `t.k1 = $1 AND t.k2 = $2`: the row with this key. */
function keyCondition(relation: RelationSql, key: readonly string[], values: Values): string {
  return relation.key.map((column, i) => `t.${id(column)} = ${values.add(key[i])}`).join(' AND ');
}

/**
 * Statement texts by shape, per relation: a list's text depends only on which filters (column and operator), the
 * order, its direction and whether a cursor is given, a row's on its embed; building it again on every request
 * was most of this module's CPU per read (and garbage). Keys join parts with NUL, which no Postgres identifier holds.
 */
const texts = new WeakMap<RelationSql, Map<unknown, string>>();
const maxTextsPerRelation = 1000;

function cachedText(relation: RelationSql, shape: unknown, build: () => string): string {
  let byShape = texts.get(relation);
  if (!byShape) texts.set(relation, (byShape = new Map()));
  let text = byShape.get(shape);
  if (text === undefined) {
    text = build();
    if (byShape.size < maxTextsPerRelation) byShape.set(shape, text);
  }
  return text;
}

/** A list's text; its placeholders number the filters' values, then the cursor's, then the limit (as listPage binds). */
function listText(relation: RelationSql, request: ListRequest): string {
  const values = new Values();
  const where: string[] = [];
  for (const { column, op, value } of request.filters) {
    where.push(op === 'in' ? `t.${id(column)} = ANY (${values.add(value)})` : `t.${id(column)} ${operators[op]} ${values.add(value)}`);
  }
  const order = request.order.map((column) => `t.${id(column)}`);
  if (request.after) {
    const after = request.after.map((value) => values.add(value));
    where.push(`(${order.join(', ')}) ${request.descending ? '<' : '>'} (${after.join(', ')})`);
  }
  const direction = request.descending ? 'DESC' : 'ASC';
  const keys = request.order.map((_, i) => `k${i}`);
  const rows =
    `SELECT to_json(t)::text AS json, ${order.map((column, i) => `${column} AS ${keys[i]}`).join(', ')} FROM ${id(relation.name)} AS t` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY ${order.map((column) => `${column} ${direction}`).join(', ')} LIMIT ${limitLiteral(request.limit)}`;
  // The last row's order values, the next page's cursor: one aggregate per order column over the page (not a JSON
  // array built for every row and then sorted: that cost Postgres a json_build_array per row of every page), each in
  // the page's own order, its last element taken: aggregates ordered alike read the page as it comes, with no sort
  // (one in the opposite order made Postgres sort the page again and doubled the cost of planning the statement).
  const pageOrder = keys.map((k) => `page.${k} ${direction}`).join(', ');
  const lastKeys = keys.map((k) => `((array_agg(page.${k} ORDER BY ${pageOrder}))[count(*)])::text`).join(', ');
  return (
    `SELECT '[' || string_agg(page.json, ',' ORDER BY ${pageOrder}) || ']' AS json, ` +
    `count(*)::int AS count, json_build_array(${lastKeys})::text AS last ` +
    `FROM (${rows}) AS page`
  );
}

/** A page of rows, filtered, in keyset order: one statement per shape of filters and order. */
export async function listPage(q: Queryable, relation: RelationSql, request: ListRequest): Promise<RowsPage> {
  const values: unknown[] = [];
  let shape = '';
  for (const { column, op, value } of request.filters) {
    values.push(value);
    shape += `${column}\0${op}\0`;
  }
  if (request.after) values.push(...request.after);
  shape += `\0${request.order.join('\0')}\0${request.descending ? 'd' : 'a'}${request.after ? 'c' : ''}${request.limit}`;
  const text = cachedText(relation, shape, () => listText(relation, request));
  const [page] = (await queryText(q, text, values)) as { json: string | null; count: number; last: string | null }[];
  if (!page || page.count === 0 || page.json === null) return { json: '[]', count: 0, last: undefined };
  return { json: page.json, count: page.count, last: page.last === null ? undefined : (JSON.parse(page.last) as string[]) };
}

/** The related rows of `t` as JSON text: `,"name":[…]` or `,"name":{…}|null`. */
function embedded(embed: Embed): string {
  const on = embed.columns.map(
    (column, i) =>
      `r.${id(embed.kind === 'children' ? column : embed.references[i]!)} = t.${id(embed.kind === 'children' ? embed.references[i]! : column)}`,
  );
  if (embed.kind === 'parent') {
    return `',"${embed.name}":' || coalesce((SELECT to_json(r)::text FROM ${id(embed.table)} AS r WHERE ${on.join(' AND ')}), 'null')`;
  }
  const order = embed.order.map((column) => `r.${id(column)}`);
  const keys = embed.order.map((_, i) => `k${i}`);
  return (
    `',"${embed.name}":' || coalesce((SELECT '[' || string_agg(c.json, ',' ORDER BY ${keys.map((k) => `c.${k}`).join(', ')}) || ']' FROM ` +
    `(SELECT to_json(r)::text AS json, ${order.map((column, i) => `${column} AS ${keys[i]}`).join(', ')} FROM ${id(embed.table)} AS r ` +
    `WHERE ${on.join(' AND ')} ORDER BY ${order.join(', ')} LIMIT ${limitLiteral(embed.limit)}) AS c), '[]')`
  );
}

/** One row as JSON text, or undefined; `embed`: with its related rows, in the same query. */
export async function getRow(q: Queryable, relation: RelationSql, key: readonly string[], embed?: Embed): Promise<string | undefined> {
  // Placeholders: the key's values, as keyCondition numbers them (an embed's limit is in the text).
  const text = cachedText(relation, embed ?? relation, () => {
    const numbered = new Values();
    const condition = keyCondition(relation, key, numbered);
    const json = embed ? `left(to_json(t)::text, -1) || ${embedded(embed)} || '}'` : 'to_json(t)::text';
    return `SELECT ${json} AS json FROM ${id(relation.name)} AS t WHERE ${condition}`;
  });
  const [row] = (await queryText(q, text, key)) as { json: string }[];
  return row?.json;
}

/** A stored row: its JSON text and its key's values as text (for `Location`). */
export interface Stored {
  json: string;
  key: string[];
}

const returning = (relation: RelationSql) =>
  `RETURNING to_json(t)::text AS json, json_build_array(${relation.key.map((column) => `t.${id(column)}::text`).join(', ')})::text AS key`;

/** A value as node-postgres should send it: JSON columns as JSON text (a JS array would become a Postgres array). */
function param(relation: RelationSql, column: string, value: unknown): unknown {
  return relation.jsonColumns.includes(column) && value !== null && value !== undefined ? JSON.stringify(value) : value;
}

function stored(rows: unknown[]): Stored | undefined {
  const [row] = rows as { json: string; key: string }[];
  return row ? { json: row.json, key: JSON.parse(row.key) as string[] } : undefined;
}

/** Inserts one row (its columns as given; the database fills the rest). */
export async function insertRow(q: Queryable, relation: RelationSql, row: Record<string, unknown>): Promise<Stored> {
  const values = new Values();
  const columns = Object.keys(row);
  const text =
    columns.length === 0
      ? `INSERT INTO ${id(relation.name)} AS t DEFAULT VALUES ${returning(relation)}`
      : `INSERT INTO ${id(relation.name)} AS t (${columns.map(id).join(', ')}) ` +
        `VALUES (${columns.map((column) => values.add(param(relation, column, row[column]))).join(', ')}) ${returning(relation)}`;
  return stored(await queryText(q, text, values.list))!;
}

/** Changes the given columns of the row with `key`; undefined if there is none. */
export async function updateRow(
  q: Queryable,
  relation: RelationSql,
  key: readonly string[],
  changes: Record<string, unknown>,
): Promise<Stored | undefined> {
  const values = new Values();
  const set = Object.keys(changes).map((column) => `${id(column)} = ${values.add(param(relation, column, changes[column]))}`);
  const text = `UPDATE ${id(relation.name)} AS t SET ${set.join(', ')} WHERE ${keyCondition(relation, key, values)} ${returning(relation)}`;
  return stored(await queryText(q, text, values.list));
}

/** Deletes the row with `key`; false if there was none. */
export async function deleteRow(q: Queryable, relation: RelationSql, key: readonly string[]): Promise<boolean> {
  const values = new Values();
  const text = `DELETE FROM ${id(relation.name)} AS t WHERE ${keyCondition(relation, key, values)} RETURNING 1 AS deleted`;
  return (await queryText(q, text, values.list)).length > 0;
}
