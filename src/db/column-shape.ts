/**
 * What the API knows of one column, as `npm run db:types` writes it into
 * src/db/zapatos/api-shapes.ts (src/codegen/generate-api-shapes.ts) and
 * src/http/columns.ts turns into validation and the OpenAPI document. The
 * runtime reads this type; it never imports the generator.
 */
export interface ColumnShape {
  /** Postgres' type name (of a domain: its base type's), e.g. int4, varchar, timestamptz, an enum's name. */
  type: string;
  /** For arrays: the element type. */
  element?: string;
  nullable: boolean;
  /** The database fills it when omitted (a default, identity or generated column). */
  hasDefault: boolean;
  /**
   * NOT NULL without a default, but a BEFORE INSERT trigger fills it (src/codegen/trigger-filled.ts): optional in
   * POST and in the document. Its static type stays required, as zapatos' Insertable has it (zapatos does not read
   * triggers), so the routes compile; a request without it passes the key on absent, and the trigger fills it.
   */
  filledByTrigger?: true;
  /** Identity or generated: the database always sets it. */
  serverSet?: true;
  /** varchar(n)/char(n): n. */
  maxLength?: number;
  /** numeric(p, s). */
  precision?: number;
  scale?: number;
  /** An enum's values, in order. */
  values?: string[];
  /** Part of a foreign key: an id, so at least 1. */
  references?: true;
  /** What the column's simple CHECK constraints allow (read by src/codegen/check-rules.ts). */
  checks?: CheckRules;
}

/**
 * A column's simple CHECK constraints as validation rules: ranges, allowed
 * values, lengths in characters (code points, as char_length counts).
 */
export interface CheckRules {
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  /** The only values allowed (an IN list or an equality). */
  oneOf?: (string | number)[];
  /** In characters (code points), as char_length counts. */
  minLength?: number;
  maxLength?: number;
}

/**
 * What the HTTP resources (src/http/resources.ts) need of a table, view or
 * materialized view, as `npm run db:types` writes it into
 * src/db/zapatos/api-shapes.ts: read from the catalog when the types are
 * made, never queried when the server starts.
 */
export interface RelationShape {
  kind: 'table' | 'view' | 'matview';
  /** The primary key's columns, in order; none for a view. */
  primaryKey: readonly string[];
  /** Its foreign keys: their columns, and the table and columns they refer to. */
  foreignKeys: readonly ForeignKeyShape[];
  /** The column lists of its plain b-tree indexes (no expressions, no partial ones), primary key and unique ones included. */
  indexes: readonly (readonly string[])[];
}

export interface ForeignKeyShape {
  name: string;
  columns: readonly string[];
  table: string;
  references: readonly string[];
}
