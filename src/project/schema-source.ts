import { UserError } from '../errors/user-error.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lineAt, splitStatements } from './sql-statements.ts';
import { projectFiles } from './paths.mjs';

/**
 * schema.sql as bookshelf runs it (for Atlas and for the catalog), so that
 * the output of `pg_dump --schema-only` works as it is. Statements that
 * belong to one server, not to the declared schema, are blanked (every other
 * line keeps its number, so errors still point into schema.sql):
 * - psql's `\restrict` / `\unrestrict` lines (pg_dump writes them since the
 *   2025 security releases); any other meta-command is refused: it is not SQL;
 * - `SELECT pg_catalog.set_config('search_path', '', false)` and
 *   `SET search_path`: the file runs in `public`, and Atlas cannot inspect a
 *   connection whose schema is "" ("schema "" was not found");
 * - `ALTER … OWNER TO`, `GRANT`, `REVOKE`, `ALTER DEFAULT PRIVILEGES`: owners
 *   and privileges are per environment (the roles need not exist on the
 *   scratch database), and bookshelf neither compares nor migrates them.
 * - `INSERT` and `SELECT pg_catalog.setval(...)`: data, not schema (Rails
 *   ends every structure.sql with `INSERT INTO "schema_migrations"`; issue 19,
 *   D15: 1,107 such rows tripped the scratch database's "holds data" guard
 *   half-way). bookshelf declares structure only; rows a migration must
 *   write go in a migration of their own (npm run db:new).
 * Other data statements (COPY, UPDATE, DELETE, TRUNCATE, MERGE: a full dump,
 * not --schema-only) are refused by name before anything runs.
 * Other `SET` lines (statement_timeout, check_function_bodies, ...) stay:
 * they only shape the session that runs the file.
 */
export interface SchemaSource {
  text: string;
  /** What was left out, with its line, for the user to read once. */
  ignored: { line: number; statement: string; why: string }[];
}

/** schema.sql holds something it must not (data, a statement bookshelf cannot run as a schema). */
export class SchemaSourceError extends UserError {
  override name = 'SchemaSourceError';
  constructor(message: string) {
    super(message, { code: 'SCHEMA_SOURCE' });
  }
}

const rules: { pattern: RegExp; why: string }[] = [
  { pattern: /^\\(un)?restrict\b/, why: 'a psql meta-command pg_dump writes; not SQL' },
  { pattern: /^SELECT\s+pg_catalog\.set_config\s*\(\s*'search_path'/i, why: 'schema.sql runs in the public schema' },
  { pattern: /^(SET|RESET)\s+(SESSION\s+|LOCAL\s+)?search_path\b/i, why: 'schema.sql runs in the public schema' },
  { pattern: /^ALTER\s+[\s\S]*\sOWNER\s+TO\s/i, why: 'owners are per environment, not part of the declared schema' },
  { pattern: /^(GRANT|REVOKE)\s/i, why: 'privileges are per environment, not part of the declared schema' },
  { pattern: /^ALTER\s+DEFAULT\s+PRIVILEGES\s/i, why: 'privileges are per environment, not part of the declared schema' },
  {
    pattern: /^INSERT\s+INTO\s/i,
    why: "rows are data, not schema (e.g. Rails' schema_migrations): bookshelf declares structure only; rows a migration must write go in one of their own (npm run db:new)",
  },
  { pattern: /^SELECT\s+(pg_catalog\.)?setval\s*\(/i, why: 'a sequence position is data, not schema' },
];

/** Data statements that have no place in a schema file at all. */
const refusedData = /^(COPY|UPDATE|DELETE|TRUNCATE|MERGE)\s/i;

export function schemaSource(text: string, file = 'schema.sql'): SchemaSource {
  let out = text;
  const ignored: SchemaSource['ignored'] = [];
  for (const statement of splitStatements(text)) {
    const rule = rules.find((candidate) => candidate.pattern.test(statement.text));
    if (!rule) {
      if (refusedData.test(statement.text)) {
        const line = lineAt(text, statement.start);
        throw new SchemaSourceError(
          `${file}:${line}: ${statement.text.split(/\s/)[0]!.toUpperCase()} is data, not schema: remove it (a pg_dump without --schema-only writes it; ` +
            'dump again with pg_dump --schema-only). Nothing was run.',
        );
      }
      if (statement.metaCommand) {
        const line = lineAt(text, statement.start);
        throw new SchemaSourceError(
          `${file}:${line}: ${statement.text.split(/\s/)[0]} is a psql meta-command, not SQL: remove it (schema.sql is run as SQL, not by psql)`,
        );
      }
      continue;
    }
    ignored.push({ line: lineAt(text, statement.start), statement: statement.text.split('\n')[0]!.trim(), why: rule.why });
    out = out.slice(0, statement.start) + statement.text.replace(/[^\n]/g, ' ') + out.slice(statement.end);
  }
  return { text: out, ignored };
}

/** One line per kind of statement left out, for the command's output. */
export function describeIgnored(source: SchemaSource, file = 'schema.sql'): string[] {
  const byWhy = new Map<string, number[]>();
  for (const { line, why } of source.ignored) byWhy.set(why, [...(byWhy.get(why) ?? []), line]);
  return [...byWhy].map(
    ([why, lines]) =>
      `${file}: ${lines.length} statement(s) left out (lines ${lines.slice(0, 5).join(', ')}${lines.length > 5 ? ', …' : ''}): ${why}`,
  );
}

/** `<root>/schema.sql` as bookshelf runs it, written to `<dir>/schema.sql`; returns that path and the notes. */
export function writeSchemaSource(root: string, dir: string): { file: string; notes: string[] } {
  const source = schemaSource(readFileSync(path.join(root, projectFiles.schema), 'utf8'));
  const file = path.join(dir, projectFiles.schema);
  writeFileSync(file, source.text);
  return { file, notes: describeIgnored(source) };
}
