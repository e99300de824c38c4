import type { CatalogObject } from './object.ts';

/**
 * The SQL that creates or drops one catalog object, for the kinds db:diff
 * writes itself (src/catalog/plan.ts). A kind it cannot write safely throws
 * ManualChange, which names the object and the manual path.
 */
export class ManualChange extends Error {
  override name = 'ManualChange';
  constructor(
    readonly object: string,
    why: string,
    /** More lines for people, e.g. the object's definition on each side. */
    readonly details: string[] = [],
  ) {
    super(`${object}: ${why}`);
  }
}

const describe = (object: CatalogObject) => `${object.kind} ${object.name}`;

/** `public.books.books_touch` (a trigger or policy on `public.books`) → `books_touch ON public.books`. */
function onTable(object: CatalogObject): string {
  const table = object.dependsOn?.[0];
  if (!table || !object.name.startsWith(`${table}.`)) throw new ManualChange(describe(object), 'its table is not known');
  return `${object.name.slice(table.length + 1)} ON ${table}`;
}

/** The first statement of a table's definition, without the RLS lines that follow it. */
const tableStatement = (object: CatalogObject) => object.definition.split('\n')[0]!;

const isPartition = (object: CatalogObject) => object.kind === 'table' && / PARTITION OF /.test(tableStatement(object));
/** Atlas (search_path=public) inspects only `public`: a table of another schema is db:diff's to make (issue 19, A5). */
const outsidePublic = (object: CatalogObject) => object.kind === 'table' && !object.name.startsWith('public.');

export function createStatement(object: CatalogObject): string {
  switch (object.kind) {
    case 'table':
      // Outside public: the table bare, then its columns and constraints as objects of their own (plan.ts orders them).
      if (outsidePublic(object) && !/ PARTITION BY /.test(tableStatement(object))) return object.definition.replace(' (…)', ' ()');
      if (!isPartition(object)) throw new ManualChange(describe(object), 'Atlas did not create this table');
      return object.definition;
    default:
      return object.definition;
  }
}

export function dropStatement(object: CatalogObject): string {
  switch (object.kind) {
    case 'schema':
      return `DROP SCHEMA ${object.name};`;
    case 'extension':
      return `DROP EXTENSION ${object.name};`;
    case 'enum':
    case 'composite type':
    case 'range type':
      return `DROP TYPE ${object.name};`;
    case 'domain':
      return `DROP DOMAIN ${object.name};`;
    case 'sequence':
      return `DROP SEQUENCE ${object.name};`;
    case 'function':
      return `DROP FUNCTION ${object.name};`;
    case 'procedure':
      return `DROP PROCEDURE ${object.name};`;
    case 'aggregate':
      return `DROP AGGREGATE ${object.name};`;
    case 'view':
      return `DROP VIEW ${object.name};`;
    case 'materialized view':
      return `DROP MATERIALIZED VIEW ${object.name};`;
    case 'index':
      return `DROP INDEX ${object.name};`;
    case 'trigger':
      return `DROP TRIGGER ${onTable(object)};`;
    case 'policy':
      return `DROP POLICY ${onTable(object)};`;
    case 'comment':
      return `COMMENT ON ${object.name} IS NULL;`;
    case 'table':
      if (!isPartition(object) && !outsidePublic(object)) throw new ManualChange(describe(object), 'Atlas did not drop this table');
      return `DROP TABLE ${object.name};`;
    default:
      throw new ManualChange(describe(object), `Atlas did not drop this ${object.kind}`);
  }
}

/** A table's row-level security, as ALTER TABLE statements that turn it from `from` to `to`. */
export function rowSecurityChange(from: CatalogObject, to: CatalogObject): string[] {
  if (tableStatement(from) !== tableStatement(to)) {
    throw new ManualChange(describe(to), 'its partition bounds, partition key, inheritance or storage options changed');
  }
  const has = (object: CatalogObject, setting: string) => object.definition.includes(`${setting} ROW LEVEL SECURITY;`);
  const statements: string[] = [];
  if (has(from, 'ENABLE') !== has(to, 'ENABLE')) {
    statements.push(`ALTER TABLE ${to.name} ${has(to, 'ENABLE') ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY;`);
  }
  if (has(from, 'FORCE') !== has(to, 'FORCE')) {
    statements.push(`ALTER TABLE ${to.name} ${has(to, 'FORCE') ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY;`);
  }
  return statements;
}

/** `RETURNS integer` of a function's pg_get_functiondef text. */
export const returnType = (object: CatalogObject) => /^ RETURNS (.*)$/m.exec(object.definition)?.[1];
