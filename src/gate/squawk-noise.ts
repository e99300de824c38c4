import { splitStatements } from '../project/sql-statements.ts';

/**
 * squawk findings that are not hazards in the file they are found in
 * (issue 19, C12/C14), so they do not hide the ones that are:
 *
 * - a lock or scan rule on a relation the same file created earlier
 *   (pg_dump's `ALTER TABLE ONLY … ADD CONSTRAINT … PRIMARY KEY` right after
 *   its `CREATE TABLE`; an index on a materialized view made above it): no
 *   one else can see the relation before the file's transaction commits, and
 *   it is empty or holds only what the file put in, so there is no one to
 *   block and nothing long to scan. squawk 2.61 already knows this for
 *   tables and plain indexes, not for matviews or `ALTER TABLE ONLY`.
 * - `ban-char-field` on `character varying(n)`, which Atlas writes for every
 *   varchar column: squawk 2.61 reads the `character` in it as char(n).
 */
const sameFileRules = new Set([
  'require-concurrent-index-creation',
  'adding-serial-primary-key-field',
  'disallowed-unique-constraint',
  'constraint-missing-not-valid',
  'adding-foreign-key-constraint',
  // what db:diff adds after Atlas's CREATE TABLE to make it what schema.sql says (src/catalog/corrections.ts)
  'changing-column-type',
  'adding-not-nullable-field',
  'adding-required-field',
  'adding-field-with-default',
]);

const ident = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
const relation = String.raw`(${ident}(?:\s*\.\s*${ident})?)`;
const creates = new RegExp(
  String.raw`^CREATE\s+(?:(?:UNLOGGED|TEMP|TEMPORARY)\s+)?(?:TABLE|MATERIALIZED\s+VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?${relation}`,
  'i',
);
const indexOn = new RegExp(
  String.raw`^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?:${ident}\s+)?ON\s+(?:ONLY\s+)?${relation}`,
  'i',
);
const altersTable = new RegExp(String.raw`^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${relation}`, 'i');

/** `"Public"."T"` → `Public.T`, `Books` → `books`, and `public.` dropped (the default schema). */
function normalized(name: string): string {
  const parts = [...name.matchAll(new RegExp(ident, 'g'))].map(([part]) =>
    part.startsWith('"') ? part.slice(1, -1).replace(/""/g, '"') : part.toLowerCase(),
  );
  return (parts.length === 2 && parts[0] === 'public' ? parts.slice(1) : parts).join('.');
}

/** A `character(n)` / `char(n)` / `bpchar` type, not `character varying`. */
const fixedChar = /\b(?:character|char|bpchar)\b(?!\s+varying)/i;

/** Whether squawk's finding `rule` on 0-based `line` of `text` is noise (see above). */
export function isSquawkNoise(text: string, rule: string, line: number): boolean {
  if (rule === 'ban-char-field') {
    const statement = statementAt(text, line);
    return statement !== undefined && !fixedChar.test(withoutQuotedText(statement.text));
  }
  return sameFileRules.has(rule) && targetCreatedEarlier(text, line);
}

/**
 * Whether the statement on 0-based `line` (an ALTER TABLE or CREATE INDEX)
 * works on a relation a statement above it in `text` created. Also for
 * Atlas's constraint-drop analyzer (lint.ts): dropping a constraint of a
 * table made in the same file drops nothing anyone had (db:diff does so to
 * add it back NOT VALID or DEFERRABLE, src/catalog/corrections.ts).
 */
export function targetCreatedEarlier(text: string, line: number): boolean {
  const statement = statementAt(text, line);
  return statement?.targetCreatedEarlier ?? false;
}

interface Located {
  text: string;
  /** 0-based lines it spans. */
  first: number;
  last: number;
  /** An ALTER TABLE or CREATE INDEX on a relation a statement above it created. */
  targetCreatedEarlier: boolean;
}

/**
 * The file's statements with their lines, in one pass, for the last file
 * asked about: squawk reports hundreds of findings on a real application's
 * first migration, and splitting the file again for each (with its lines
 * counted from the top) took 30 s for 1,800 statements.
 */
let located: { text: string; statements: Located[] } | undefined;

function locate(text: string): Located[] {
  if (located?.text === text) return located.statements;
  const created = new Set<string>();
  const statements: Located[] = [];
  let line = 0;
  let counted = 0;
  for (const statement of splitStatements(text)) {
    for (let i = counted; i < statement.start; i++) if (text.charCodeAt(i) === 10) line++;
    counted = statement.start;
    const target = indexOn.exec(statement.text)?.[1] ?? altersTable.exec(statement.text)?.[1];
    statements.push({
      text: statement.text,
      first: line,
      last: line + statement.text.split('\n').length - 1,
      targetCreatedEarlier: target !== undefined && created.has(normalized(target)),
    });
    const made = creates.exec(statement.text)?.[1];
    if (made) created.add(normalized(made));
  }
  located = { text, statements };
  return statements;
}

const statementAt = (text: string, line: number) => locate(text).find((statement) => statement.first <= line && line <= statement.last);

/** The statement without its string literals and quoted names (a column named "char" is no char column). */
const withoutQuotedText = (sql: string) => sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, '');
