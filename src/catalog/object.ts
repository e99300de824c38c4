/**
 * One object of a database's schema, as src/catalog/read.ts reads it.
 *
 * `name` is unique within its kind and schema-qualified (a column is
 * `public.authors.country`, a function `public.touch(integer)`);
 * `definition` is the object in SQL, Postgres' own text where it has one
 * (pg_get_viewdef, pg_get_functiondef, pg_get_indexdef, ...), so that two
 * objects are the same exactly when their definitions are.
 * `dependsOn` names (by `name`, of whatever kind) what must exist first.
 */
export type ObjectKind =
  | 'schema'
  | 'extension'
  | 'enum'
  | 'domain'
  | 'composite type'
  | 'range type'
  | 'sequence'
  | 'function'
  | 'procedure'
  | 'aggregate'
  | 'table'
  | 'column'
  | 'constraint'
  | 'index'
  | 'view'
  | 'materialized view'
  | 'trigger'
  | 'policy'
  | 'comment';

export interface CatalogObject {
  kind: ObjectKind;
  name: string;
  definition: string;
  dependsOn?: string[];
  /**
   * Made by Postgres itself from a parent (a partition's columns, the
   * indexes and constraints it clones onto a partition): never created on
   * its own. Not part of the comparison.
   */
  inherited?: true;
  /** A view's or materialized view's output columns (`name type`), in order. */
  columns?: string[];
  /**
   * What a view, materialized view, trigger or policy reads of tables: `table.column`, or `table.*` for the
   * whole row (queries.ts). Undefined where not known: then it counts as reading every column it depends on.
   */
  readsColumns?: string[];
  /** A column's parts, so a difference in one of them can be altered in place (corrections.ts). */
  column?: ColumnParts;
}

interface ColumnParts {
  table: string;
  /** Quoted as SQL needs. */
  name: string;
  /** format_type: `timestamp(6) without time zone`. */
  type: string;
  /** The DEFAULT expression, if any (not a generated column's). */
  default: string | null;
  notNull: boolean;
  /** Collation, generated expression and identity: what corrections.ts does not alter. */
  fixed: string;
}

/** Objects by `kind name`. */
export type Catalog = Map<string, CatalogObject>;
