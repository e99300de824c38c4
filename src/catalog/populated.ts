import type { Catalog, CatalogObject } from './object.ts';

/**
 * Whether a materialized view holds its query's rows (pg_class.relispopulated):
 * `CREATE MATERIALIZED VIEW ... WITH NO DATA`, pg_dump's form for every
 * matview whose rows were not dumped, creates it empty and unscannable until
 * REFRESH, without running its query inside the migration (issue 19, B10:
 * it was created populated, and nobody compared). The reader writes it into
 * the definition, so migrations and schema.sql must agree on it; a live
 * database, where REFRESH is routine, is compared without it (see
 * withoutPopulatedness).
 */
const withNoData = '\n  WITH NO DATA;';

/** A materialized view's definition: its CREATE statement, `WITH NO DATA` when it is not populated. */
export function materializedViewDefinition(create: string, populated: boolean): string {
  return populated ? create : `${create.replace(/;$/, '')}${withNoData}`;
}

const unpopulated = (object: CatalogObject) => object.kind === 'materialized view' && object.definition.endsWith(withNoData);

/** The definition as if populated (the same statement without `WITH NO DATA`). */
const populatedDefinition = (object: CatalogObject) =>
  unpopulated(object) ? `${object.definition.slice(0, -withNoData.length)};` : object.definition;

/**
 * REFRESH for a materialized view that differs from `wanted` only in being
 * populated or not; undefined otherwise.
 */
export function populatednessChange(now: CatalogObject, wanted: CatalogObject): string[] | undefined {
  if (now.kind !== 'materialized view' || populatedDefinition(now) !== populatedDefinition(wanted)) return undefined;
  return [`REFRESH MATERIALIZED VIEW ${wanted.name}${unpopulated(wanted) ? ' WITH NO DATA' : ''};`];
}

/** `catalog` with every materialized view as if populated: for the live database, where REFRESH is not drift. */
export function withoutPopulatedness(catalog: Catalog): Catalog {
  return new Map(
    [...catalog].map(([key, object]) => [key, unpopulated(object) ? { ...object, definition: populatedDefinition(object) } : object]),
  );
}
