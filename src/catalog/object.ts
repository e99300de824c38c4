/**
 * One object of a database's schema, as src/catalog/read.ts reads it.
 *
 * `name` is unique within its kind and schema-qualified (a column is
 * `public.authors.country`, a function `public.touch(integer)`);
 * `definition` is the object in SQL, Postgres' own text where it has one
 * (pg_get_viewdef, pg_get_functiondef, pg_get_indexdef, ...), so that two
 * objects are the same exactly when their definitions are.
 * `dependsOn` names (as `kind name`) what must exist first.
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
}

/** Objects by `kind name`. */
export type Catalog = Map<string, CatalogObject>;
