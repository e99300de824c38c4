import { splitStatements } from '../project/sql-statements.ts';

/**
 * The statements at the start of a migration that only create new objects:
 * tables, indexes on those tables, types, sequences, schemas, extensions and
 * comments. None can lose data, depend on data, break a running client or
 * drop a constraint, so none of Atlas's blocking analyzers (destructive,
 * data-dependent, backward-incompatible, constraint drop) can flag them, nor
 * its concurrent-index check (an index on a table made in the same file locks
 * no one).
 *
 * What changes only objects made earlier in the file also lifts: an index
 * on such a table, `ALTER TABLE`/`ALTER SEQUENCE` of one (db:diff's
 * corrections of Atlas's spelling, one per `timestamp(6)` column of a new
 * table: hundreds in a real application's first migration), a trigger on
 * one; and views, which Atlas's analyzers do not judge.
 *
 * Statements that change no object (`SET`, `RESET`, pg_dump's
 * `SELECT pg_catalog.set_config(...)`), as db:diff writes around its
 * functions (`SET check_function_bodies = off;`) and pg_dump at the top of
 * every dump, do not end the prefix: they run with it and stay in the rest
 * too, so both halves run with the same settings. Nor do new domains and
 * routines (functions, procedures, aggregates), which db:diff writes before
 * Atlas's tables: Atlas's analyzers do not judge them.
 *
 * Why it matters: `atlas migrate lint` inspects the whole schema after every
 * statement of the file it lints, so its cost grows with statements × tables
 * (about 2 minutes for a 200-table first migration). The gate replays this
 * prefix as part of the base instead (one inspection), and lints the rest.
 * The rest keeps every line where it was (the prefix is blanked), so
 * findings point into the real file.
 */
export interface SplitMigration {
  /** The prefix's statements, to run before the file. */
  prefix: string;
  /** The file with the prefix blanked. */
  rest: string;
  statements: number;
}

const ident = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
const qualified = String.raw`(?:${ident}\.)?(${ident})`;
const createTable = new RegExp(String.raw`^CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${qualified}`, 'i');
const createIndex = new RegExp(
  String.raw`^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:${ident}\s+)?ON\s+(?:ONLY\s+)?${qualified}`,
  'i',
);
/** ALTER on a table or sequence this file made: no one else has it yet (corrections db:diff writes after Atlas's tables). */
const alterCreated = new RegExp(String.raw`^ALTER\s+(?:TABLE|SEQUENCE)\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${qualified}`, 'i');
const createSequence = new RegExp(String.raw`^CREATE\s+SEQUENCE\s+(?:IF\s+NOT\s+EXISTS\s+)?${qualified}`, 'i');
/** Views, and triggers on a table this file made: Atlas's analyzers do not judge either. */
const createView = new RegExp(
  String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?(?:MATERIALIZED\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?${qualified}`,
  'i',
);
const createTrigger = new RegExp(
  String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?(?:CONSTRAINT\s+)?TRIGGER\s+${ident}\s[^;]*?\sON\s+(?:ONLY\s+)?${qualified}`,
  'i',
);
const otherCreation =
  /^(CREATE\s+(TYPE|SEQUENCE|SCHEMA|EXTENSION|DOMAIN|AGGREGATE)\s|CREATE\s+(OR\s+REPLACE\s+)?(FUNCTION|PROCEDURE)\s|COMMENT\s+ON\s)/i;
/** Statements that change no object: session settings. */
const noObjectChange = /^(SET|RESET)\s|^SELECT\s+(pg_catalog\s*\.\s*)?set_config\s*\(/i;

const bare = (name: string) => (name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase());

export function splitNewObjectsPrefix(text: string): SplitMigration {
  const created = new Set<string>();
  let end = 0;
  let statements = 0;
  for (const statement of splitStatements(text)) {
    const made = (createTable.exec(statement.text) ?? createSequence.exec(statement.text) ?? createView.exec(statement.text))?.[1];
    const on = (createIndex.exec(statement.text) ?? alterCreated.exec(statement.text) ?? createTrigger.exec(statement.text))?.[1];
    if (made) created.add(bare(made));
    else if (!(on && created.has(bare(on))) && !otherCreation.test(statement.text) && !noObjectChange.test(statement.text)) break;
    end = statement.end;
    statements++;
  }
  const prefix = text.slice(0, end);
  const lifted = splitStatements(prefix);
  // Blank the prefix's statements but keep comments (`-- atlas:nolint` directives and line numbers stay) and settings.
  // In pieces, not by re-slicing the whole text per statement: 1,800 statements took 2.4 s that way.
  const pieces: string[] = [];
  let at = 0;
  for (const statement of lifted) {
    if (noObjectChange.test(statement.text)) continue;
    pieces.push(prefix.slice(at, statement.start), statement.text.replace(/[^\n]/g, ' '));
    at = statement.end;
  }
  pieces.push(prefix.slice(at));
  const blanked = pieces.join('');
  return {
    prefix: lifted.map((statement) => statement.text).join('\n'),
    rest: blanked + text.slice(end),
    statements,
  };
}

/**
 * The whole file only creates objects, or changes objects it made itself
 * (what is left are settings): nothing that existed before it is touched,
 * so no analyzer can flag it and no data can be lost. A real application's
 * first migration, or db:adopt's baseline, is such a file.
 */
export function onlyNewObjects(text: string): boolean {
  const split = splitNewObjectsPrefix(text);
  return splitStatements(split.rest).every((statement) => noObjectChange.test(statement.text));
}
