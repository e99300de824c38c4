/**
 * A page of rows as JSON text Postgres made, one `to_json(row)::text` per
 * row, joined into an array here: the API sends it as it is, so a list costs
 * no JSON.parse and no JSON.stringify in Node. (One json_agg over the page
 * would save the join but costs Postgres about 1.5× the CPU of the per-row
 * form, measured with pgbench on these 2 cores, where Postgres, the server
 * and the clients share the CPU.)
 * `T` records what the text holds (e.g. authors.JSONSelectable), for readers
 * and for callers that do parse it.
 */
export type JsonText<T> = string & { readonly __holds?: T };

export interface JsonPage<T> {
  json: JsonText<T[]>;
  /** Rows on this page. */
  count: number;
  /** The id of the last row (the next page's `after`), if any. */
  lastId: number | undefined;
}

/** A row of a page query (see listAuthors, listBooks): the row as JSON, and its id. */
export interface PageRow {
  json: string;
  id: number;
}

export function toJsonPage<T>(rows: PageRow[]): JsonPage<T> {
  let json = '[';
  for (let i = 0; i < rows.length; i++) json += (i === 0 ? '' : ',') + rows[i]!.json;
  return { json: `${json}]` as JsonText<T[]>, count: rows.length, lastId: rows.at(-1)?.id };
}
