/**
 * A page of rows as the JSON text Postgres made (json_agg): the API sends it
 * as it comes, so a list costs no JSON.parse and no JSON.stringify in Node.
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

/** The one row a page query returns (see listAuthors, listBooks). */
export interface PageRow {
  json: string;
  count: number;
  last_id: number | null;
}

export function toJsonPage<T>(row: PageRow | undefined): JsonPage<T> {
  return { json: (row?.json ?? '[]') as JsonText<T[]>, count: row?.count ?? 0, lastId: row?.last_id ?? undefined };
}
