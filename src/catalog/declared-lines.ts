import { lineAt, splitStatements } from '../project/sql-statements.ts';
import type { CatalogObject } from './object.ts';

/**
 * Where a schema file declares an object of the catalog, as a 1-based line,
 * or undefined when no statement of the file names it: db:adopt's stop names
 * `schema.sql:<line>` for an object that differs, and says "missing" for one
 * that is not there. By name, not by parsing: the first statement that
 * creates or alters something and names the object (its table first, for
 * a column, constraint, index, trigger or policy), at the line naming it.
 */
export function declaredLine(text: string, object: Pick<CatalogObject, 'kind' | 'name'>): number | undefined {
  const parts = object.name.replace(/\(.*\)$/, '').split('.');
  const own = parts.at(-1)!;
  const onTable = ['column', 'constraint', 'trigger', 'policy'].includes(object.kind) && parts.length >= 2;
  const table = onTable ? parts.at(-2)! : undefined;
  const named = (statement: string, name: string) => new RegExp(`(^|[^\\w$"])"?${escape(name)}"?(?![\\w$])`, 'i').test(statement);
  const candidates = splitStatements(text).filter(
    (statement) =>
      /^(CREATE|ALTER|COMMENT)\b/i.test(statement.text) &&
      named(statement.text, own) &&
      (table === undefined || named(statement.text, table)),
  );
  const keyword = new RegExp(`^\\w+\\s+(OR\\s+REPLACE\\s+|UNIQUE\\s+|UNLOGGED\\s+)?(${keywords[object.kind]})\\b`, 'i');
  const statement = candidates.find((candidate) => keyword.test(candidate.text)) ?? candidates[0];
  if (!statement) return undefined;
  const offset = statement.text.split('\n').findIndex((line) => named(line, own));
  return lineAt(text, statement.start) + Math.max(0, offset);
}

/** The word after CREATE/ALTER that a statement of each kind has. */
const keywords: Record<CatalogObject['kind'], string> = {
  schema: 'SCHEMA',
  extension: 'EXTENSION',
  enum: 'TYPE',
  domain: 'DOMAIN',
  'composite type': 'TYPE',
  'range type': 'TYPE',
  sequence: 'SEQUENCE',
  function: 'FUNCTION',
  procedure: 'PROCEDURE',
  aggregate: 'AGGREGATE',
  table: 'TABLE',
  column: 'TABLE',
  constraint: 'TABLE',
  index: 'INDEX',
  view: 'VIEW',
  'materialized view': 'MATERIALIZED',
  trigger: 'TRIGGER',
  policy: 'POLICY',
  comment: 'ON',
};

const escape = (name: string) => name.replace(/^"|"$/g, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
