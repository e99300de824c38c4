import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { lineAt, splitStatements } from '../project/sql-statements.ts';

/**
 * Columns a migration drops or renames that the code in src/ still uses.
 * Migrations run before the new code is deployed, so the code running at
 * that moment is the old one: if it still reads or writes the column, every
 * such request fails (500) from the migration until the deploy. The safe
 * sequence is expand and contract (docs/online-changes.md): stop using the column in one
 * release, drop it in a later one.
 *
 * A use is the column's name as a word on a line of a .ts file under src/
 * (generated types left out; comments are not code) that also names the table somewhere, or the
 * table's line of the generated API shapes when the code names the table (a
 * route serves it; a table no route serves is in the shapes too): a
 * heuristic that errs on the side of saying so; it warns, it does not refuse.
 */
export interface ColumnChange {
  table: string;
  column: string;
  change: 'drop' | 'rename';
  /** 1-based line of the statement in the migration. */
  line: number;
}

export interface StillUsed extends ColumnChange {
  uses: string[]; // file:line
}

const name = String.raw`(?:"((?:[^"]|"")+)"|([A-Za-z_][\w$]*))`;
const alterTable = new RegExp(String.raw`^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?:${name}\.)?${name}`, 'i');
const dropColumn = new RegExp(String.raw`DROP\s+COLUMN\s+(?:IF\s+EXISTS\s+)?${name}`, 'gi');
const renameColumn = new RegExp(String.raw`RENAME\s+(?:COLUMN\s+)?${name}\s+TO\s`, 'gi');
const unquote = (quoted: string | undefined, bare: string | undefined) => quoted?.replace(/""/g, '"') ?? bare!.toLowerCase();

export function columnChanges(sql: string): ColumnChange[] {
  const changes: ColumnChange[] = [];
  for (const statement of splitStatements(sql)) {
    const alter = alterTable.exec(statement.text);
    if (!alter) continue;
    const table = unquote(alter[3], alter[4]);
    const line = lineAt(sql, statement.start);
    for (const match of statement.text.matchAll(dropColumn))
      changes.push({ table, column: unquote(match[1], match[2]), change: 'drop', line });
    for (const match of statement.text.matchAll(renameColumn))
      changes.push({ table, column: unquote(match[1], match[2]), change: 'rename', line });
  }
  return changes;
}

export function stillUsed(changes: ColumnChange[], srcDir: string): StillUsed[] {
  if (changes.length === 0) return [];
  const files = sourceFiles(srcDir).map((file) => {
    const shapes = file.endsWith(apiShapes);
    const text = readFileSync(file, 'utf8');
    return { file, text: shapes ? text : withoutComments(text), shapes };
  });
  const code = files.filter(({ shapes }) => !shapes);
  return changes.flatMap((change) => {
    const column = new RegExp(`(?<![\\w$])${escape(change.column)}(?![\\w$])`);
    const table = new RegExp(`(?<![\\w$])${escape(change.table)}(?![\\w$])`);
    // The API shapes name every column of every table; they count only for a table the code names (a route serves
    // it), and only on that table's own line (`"books": {...}`).
    const served = code.some(({ text }) => table.test(text));
    const tableLine = new RegExp(`^\\s*${escape(JSON.stringify(change.table))}:`);
    const uses = files
      .filter(({ text, shapes }) => (shapes ? served : table.test(text)))
      .flatMap(({ file, text, shapes }) =>
        text
          .split('\n')
          .flatMap((line, i) =>
            column.test(line) && (!shapes || tableLine.test(line)) ? [`${path.relative(path.dirname(srcDir), file)}:${i + 1}`] : [],
          ),
      );
    return uses.length ? [{ ...change, uses }] : [];
  });
}

const apiShapes = path.join('zapatos', 'api-shapes.ts');

/**
 * The code without its comments, lines kept in place: a comment that says "pages" or "books" is prose, not a use
 * (resource-routes.ts speaks of keyset pages). A `//` counts only at a line's start or after a space, so a URL in a
 * string stays code.
 */
export const withoutComments = (text: string) =>
  text.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' ')).replace(/(^|\s)\/\/.*$/gm, '$1');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * .ts files under src/, less the generated types, but with the generated API
 * shapes (zapatos/api-shapes.ts): the running API returns and accepts every
 * column listed there, so it uses each one without naming it anywhere else.
 */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory())
      return entry === 'zapatos' ? sourceFiles(file).filter((f) => f.endsWith('api-shapes.ts')) : sourceFiles(file);
    return /\.(c|m)?ts$/.test(entry) && !entry.endsWith('.d.ts') ? [file] : [];
  });
}
