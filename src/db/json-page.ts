import * as db from 'zapatos/db';

/**
 * A page of rows as JSON text Postgres made: `to_json(row)::text` per row,
 * joined into one array by `string_agg` in the same query. The API sends
 * the text as it is, so a list costs no JSON.parse and no JSON.stringify in
 * Node, and the driver reads one row of three fields instead of one row
 * per item (for a 50-row page that was most of the server's CPU for the
 * page: every row a protocol message, a decoded string and an object).
 * Postgres' CPU is the same either way (pgbench, prepared, 50 rows: 11.5–13.7k
 * vs 12.8–13.2k queries/s), and one json_agg would change the text's spacing.
 * `T` records what the text holds (e.g. authors.JSONSelectable), for readers
 * and for callers that do parse it.
 */
type JsonText<T> = string & { readonly __holds?: T };

export interface JsonPage<T> {
  json: JsonText<T[]>;
  /** Rows on this page. */
  count: number;
  /** The id of the last row (the next page's `after`), if any. */
  lastId: number | undefined;
}

/** What a page query (pageQuery) returns: one row. */
export interface PageRow {
  /** `[…]`, or null for an empty page. */
  json: string | null;
  count: number;
  last_id: number | null;
}

/**
 * The page query around `rows`, a query of `to_json(<table>)::text AS json`
 * and `id`, ordered and limited as the page is: one row holding the page.
 *
 * @example
 *   const byAuthor = prepare<PageRow[], [authorId: number, limit: number]>(pageQuery(
 *     db.sql<s.books.SQL>`SELECT to_json(${'books'})::text AS json, ${'id'} FROM ${'books'}
 *       WHERE ${'author_id'} = ${db.param(0)} ORDER BY ${'id'} LIMIT ${db.param(0)}`));
 */
export function pageQuery(rows: db.SQLFragment<unknown, unknown>): db.SQLFragment<PageRow[]> {
  return db.sql<
    db.SQL,
    PageRow[]
  >`SELECT '[' || string_agg(page.json, ',' ORDER BY page.id) || ']' AS json, count(*)::int AS count, max(page.id) AS last_id FROM (${rows}) AS page`;
}

export function toJsonPage<T>(rows: PageRow[]): JsonPage<T> {
  const [page] = rows;
  if (!page || page.count === 0) return { json: '[]' as JsonText<T[]>, count: 0, lastId: undefined };
  return { json: page.json as JsonText<T[]>, count: page.count, lastId: page.last_id ?? undefined };
}
