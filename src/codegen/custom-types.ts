/**
 * TypeScript types for the Postgres types zapatos does not know (it writes
 * `any` placeholders for them). `npm run db:types` writes
 * src/db/zapatos/custom/Pg<Name>.d.ts from this table, so the generated
 * folder stays generated: edit this file, never those.
 *
 * Each entry is a Postgres type name (without schema) and the type of the
 * value as node-postgres returns it: the type's text form unless a parser is
 * registered. A domain needs no entry: it gets its base type's TS type.
 * A type with no entry here and no base type stops db:types, naming it.
 *
 * @example
 *   // schema.sql: CREATE TABLE docs (..., search tsvector);
 *   // zapatos: docs.Selectable['search'] is PgTsvector, which is string.
 */
export const customTypes: Record<string, string> = {
  tsvector: 'string', // 'cat':1 'sat':2
  tsquery: 'string',
  hstore: 'string', // "a"=>"1", "b"=>NULL (node-postgres registers no hstore parser)
  ltree: 'string',
  lquery: 'string',
  ltxtquery: 'string',
  cube: 'string',
  seg: 'string',
  isbn: 'string',
  issn: 'string',
  ean13: 'string',
  xml: 'string',
  macaddr: 'string',
  macaddr8: 'string',
  cidr: 'string',
  bit: 'string',
  varbit: 'string',
  point: 'string',
  line: 'string',
  lseg: 'string',
  box: 'string',
  path: 'string',
  polygon: 'string',
  circle: 'string',
};

/** The TS type of a domain's base type, as zapatos types that base in a selected row. */
export const domainBaseTypes: Record<string, string> = {
  int2: 'number',
  int4: 'number',
  float4: 'number',
  float8: 'number',
  oid: 'number',
  bool: 'boolean',
  json: 'import("zapatos/db").JSONValue',
  jsonb: 'import("zapatos/db").JSONValue',
};
