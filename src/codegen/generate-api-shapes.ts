import type { CheckRules, ColumnShape, ForeignKeyShape, RelationShape } from '../db/column-shape.ts';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectClient } from '../postgres/client.ts';
import { addCheckRules, addDomainCheckRules } from './check-rules.ts';
import { columnsFilledBy, type Filled } from './trigger-filled.ts';

/**
 * Writes `<outDir>/zapatos/api-shapes.ts`: every column of every table in
 * `public`, as the migrated database has it (type, length, precision,
 * enum values, nullability, default, identity or generated), for
 * src/http/columns.ts to turn into the API's request and response shapes.
 * It is generated with the zapatos types from the same database (db:types),
 * so the API follows the schema: a new column is returned, accepted and
 * documented with no other edit. A compile-time check in the file ties each
 * table's columns to the zapatos type it mirrors.
 */
interface ColumnRow {
  table: string;
  column: string;
  type: string;
  element: string | null;
  not_null: boolean;
  has_default: boolean;
  server_set: boolean;
  typmod: number;
  labels: string[] | null;
  references: boolean;
  /** A domain's CHECK constraints (pg_get_constraintdef), for a column of a domain type. */
  domain_checks: string[] | null;
}

interface ConstraintRow {
  table: string;
  name: string;
  definition: string;
  kind: string;
  columns: string[];
  /** A foreign key's table and columns. */
  foreign_table: string | null;
  foreign_columns: string[] | null;
}

interface RelationRow {
  name: string;
  kind: string;
}

interface IndexRow {
  table: string;
  columns: string[];
}

/**
 * Every CHECK, UNIQUE, PRIMARY KEY, FOREIGN KEY and EXCLUDE constraint, with
 * its columns in order: the CHECKs of one column become its rules, and all
 * of them name the fields of a violation (src/http/constraint-violations.ts).
 */
const constraintQuery = `
  SELECT c.relname AS table, k.conname AS name, k.contype AS kind, pg_get_constraintdef(k.oid) AS definition,
         array(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY AS u(attnum, i)
                 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum ORDER BY u.i) AS columns,
         f.relname AS foreign_table,
         CASE WHEN k.contype = 'f' THEN
           array(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY AS u(attnum, i)
                   JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum ORDER BY u.i) END AS foreign_columns
    FROM pg_constraint k
    LEFT JOIN pg_class f ON f.oid = k.confrelid
    JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND k.contype IN ('c', 'u', 'p', 'f', 'x')
   ORDER BY c.relname, k.conname`;

/** The tables, views and materialized views of `public`: what a resource can serve. */
const relationQuery = `
  SELECT c.relname AS name, CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'matview' ELSE 'table' END AS kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition
   ORDER BY c.relname`;

/** Plain b-tree indexes (columns only, not partial): the columns a list may filter and order by without a scan. */
const indexQuery = `
  SELECT c.relname AS table,
         array(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS u(attnum, o)
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.attnum ORDER BY u.o) AS columns
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_am am ON am.oid = ic.relam
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND am.amname = 'btree' AND i.indpred IS NULL AND i.indexprs IS NULL AND NOT (0 = ANY (i.indkey::int2[]))
   ORDER BY c.relname, ic.relname`;

/** Each table's enabled BEFORE INSERT row triggers' functions (tgtype bits: 1 row, 2 before, 4 insert). */
const insertTriggerQuery = `
  SELECT c.relname AS table, l.lanname AS language, p.prosrc AS source
    FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_proc p ON p.oid = t.tgfoid
    JOIN pg_language l ON l.oid = p.prolang
   WHERE n.nspname = 'public' AND NOT t.tgisinternal AND t.tgenabled <> 'D' AND (t.tgtype & 7) = 7
   ORDER BY c.relname, t.tgname`;

const columnQuery = (kinds: string) => `
  SELECT c.relname AS table, a.attname AS column,
         coalesce(bt.typname, t.typname) AS type,
         CASE WHEN coalesce(bt.typcategory, t.typcategory) = 'A' THEN et.typname END AS element,
         a.attnotnull AS not_null,
         (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') AS has_default,
         (a.attidentity <> '' OR a.attgenerated <> '') AS server_set,
         CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS typmod,
         (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = coalesce(nullif(et.oid, 0), t.oid)) AS labels,
         EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conrelid = c.oid AND a.attnum = ANY (f.conkey)) AS references,
         CASE WHEN t.typtype = 'd' THEN
           array(SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c' ORDER BY k.conname)
         END AS domain_checks
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
    LEFT JOIN pg_type et ON et.oid = coalesce(bt.typelem, t.typelem) AND coalesce(bt.typcategory, t.typcategory) = 'A'
   WHERE n.nspname = 'public' AND c.relkind IN (${kinds}) AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped
   ORDER BY c.relname, a.attnum`;

function shapeOf(row: ColumnRow): ColumnShape {
  const shape: ColumnShape = { type: row.type, nullable: !row.not_null, hasDefault: row.has_default };
  if (row.element) shape.element = row.element;
  if (row.server_set) shape.serverSet = true;
  const base = row.element ?? row.type;
  if (['varchar', 'bpchar'].includes(base) && row.typmod > 4) shape.maxLength = row.typmod - 4;
  if (base === 'numeric' && row.typmod > 4) {
    shape.precision = ((row.typmod - 4) >> 16) & 0xffff;
    shape.scale = (row.typmod - 4) & 0xffff;
  }
  if (row.labels) shape.values = row.labels;
  if (row.references) shape.references = true;
  // A domain's CHECKs hold every column of it, like the column's own (its base type's domains are not read).
  const rules: CheckRules = {};
  let understood = 0;
  if (!row.element) for (const check of row.domain_checks ?? []) understood += addDomainCheckRules(rules, check, row.type);
  if (understood > 0) shape.checks = rules;
  return shape;
}

export async function generateApiShapes(url: string, outDir: string): Promise<void> {
  const client = await connectClient(url);
  const ours = <R extends { table: string }>(rows: R[]) => rows.filter((row) => row.table !== 'atlas_schema_revisions');
  let rows: ColumnRow[];
  let viewRows: ColumnRow[];
  let constraintRows: ConstraintRow[];
  let relationRows: RelationRow[];
  let indexRows: IndexRow[];
  let triggerRows: { table: string; language: string; source: string }[];
  try {
    triggerRows = (await client.query(insertTriggerQuery)).rows;
    rows = ours((await client.query<ColumnRow>(columnQuery(`'r', 'p'`))).rows);
    viewRows = (await client.query<ColumnRow>(columnQuery(`'v', 'm'`))).rows;
    constraintRows = ours((await client.query<ConstraintRow>(constraintQuery)).rows);
    relationRows = (await client.query<RelationRow>(relationQuery)).rows.filter((row) => row.name !== 'atlas_schema_revisions');
    indexRows = ours((await client.query<IndexRow>(indexQuery)).rows);
  } finally {
    await client.end();
  }
  const filled = new Map<string, Filled>();
  for (const { table, language, source } of triggerRows) {
    const columns = columnsFilledBy(language, source);
    const known = filled.get(table);
    filled.set(table, columns === 'all' || known === 'all' ? 'all' : new Set([...(known ?? []), ...columns]));
  }
  const tables = new Map<string, Record<string, ColumnShape>>();
  for (const row of rows) {
    if (!tables.has(row.table)) tables.set(row.table, {});
    const shape = shapeOf(row);
    const byTrigger = filled.get(row.table);
    if (!shape.nullable && !shape.hasDefault && (byTrigger === 'all' || byTrigger?.has(row.column))) shape.filledByTrigger = true;
    tables.get(row.table)![row.column] = shape;
  }
  const views = new Map<string, Record<string, ColumnShape>>();
  for (const row of viewRows) {
    if (!views.has(row.table)) views.set(row.table, {});
    views.get(row.table)![row.column] = shapeOf(row);
  }
  const relations = new Map<string, RelationShape>(
    relationRows.map((row) => [row.name, { kind: row.kind as RelationShape['kind'], primaryKey: [], foreignKeys: [], indexes: [] }]),
  );
  for (const row of constraintRows) {
    const relation = relations.get(row.table);
    if (!relation) continue;
    if (row.kind === 'p') relation.primaryKey = row.columns;
    if (row.kind === 'f' && row.foreign_table && row.foreign_columns) {
      const key: ForeignKeyShape = { name: row.name, columns: row.columns, table: row.foreign_table, references: row.foreign_columns };
      relation.foreignKeys = [...relation.foreignKeys, key];
    }
  }
  for (const row of indexRows) {
    const relation = relations.get(row.table);
    if (relation) relation.indexes = [...relation.indexes, row.columns];
  }
  const constraints = new Map<string, Record<string, string[]>>();
  for (const row of constraintRows) {
    if (!constraints.has(row.table)) constraints.set(row.table, {});
    constraints.get(row.table)![row.name] = row.columns;
    const column = row.columns.length === 1 ? tables.get(row.table)?.[row.columns[0]!] : undefined;
    if (row.kind !== 'c' || !column || column.element) continue;
    const rules: CheckRules = { ...column.checks };
    if (addCheckRules(rules, row.definition, row.columns[0]!, column.type) > 0) column.checks = rules;
  }
  const names = [...tables.keys()];
  const body = names.map((table) => `  ${JSON.stringify(table)}: ${JSON.stringify(tables.get(table))},`).join('\n');
  const ties = names
    .map((table) => `  ${JSON.stringify(table)}: Same<keyof (typeof tables)[${JSON.stringify(table)}], keyof s.${table}.Selectable>;`)
    .join('\n');
  writeFileSync(
    path.join(outDir, 'zapatos', 'api-shapes.ts'),
    `/* Generated by \`npm run db:types\` from the migrated schema (src/codegen/generate-api-shapes.ts): do not edit. */
import type * as s from 'zapatos/schema';
import type { RelationShape } from '../column-shape.ts';

/** Every column of every table, as the migrated database has it (see src/http/columns.ts). */
export const tables = {
${body}
} as const;

/** Every view and materialized view's columns, as the database infers them (what a read-only resource returns). */
export const views = {
${[...views].map(([view, columns]) => `  ${JSON.stringify(view)}: ${JSON.stringify(columns)},\n`).join('')}} as const;

/** Each table, view and materialized view: its kind, primary key, foreign keys and indexes (for src/http/resources.ts). */
export const relations = {
${[...relations].map(([name, relation]) => `  ${JSON.stringify(name)}: ${JSON.stringify(relation)},`).join('\n')}
} as const satisfies Record<string, RelationShape>;

/** Each table's constraints (check, unique, primary and foreign key, exclusion) and their columns, to name them in a violation's answer. */
export const constraints: Record<string, Record<string, readonly string[]>> = {
${[...constraints].map(([table, named]) => `  ${JSON.stringify(table)}: ${JSON.stringify(named)},`).join('\n')}
};

/** Compile-time: each table's columns are exactly the zapatos type's (both come from the same database). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const columnsMatchZapatos: {
${ties}
} = { ${names.map((table) => `${JSON.stringify(table)}: true`).join(', ')} };
`,
  );
}
