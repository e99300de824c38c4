import { atlas, failureLine } from '../atlas/run.ts';
import { targetFlags } from '../atlas/flags.ts';
import { resetScratchDatabase } from '../postgres/scratch.ts';
import { narrowing, type ColumnType } from './column-types.ts';
import type { Finding } from './finding.ts';
import { lineAt } from '../project/sql-statements.ts';
import type { MigrationFile } from '../project/migration-files.ts';
import { withClient } from '../postgres/client.ts';
import { onlyNewObjects } from './new-objects-prefix.ts';

/**
 * Data loss you can see in the SQL, which Atlas v0.13.1 does not flag:
 * - `narrowing-type-change`: a column's type changes to one that cannot hold
 *   every old value (numeric(4,2) -> numeric(4,1), text -> varchar(20),
 *   bigint -> integer);
 * - `drop-add-column`: one migration drops a column and adds another to the
 *   same table, which is how Atlas writes a rename in schema.sql (every value lost).
 *
 * The old and new types come from the catalog, not from parsing: the
 * migrations are replayed one by one on the scratch (dev) database with the
 * real Atlas, and pg_attribute is read before and after each file in scope.
 * Opt-out: a line `-- bookshelf:allow <rule>` anywhere in the file; the
 * finding is then a warning, so `db:apply --dry-run` still counts its rows.
 */
export async function dataLossFindings(
  projectRoot: string,
  devUrl: string,
  all: MigrationFile[],
  scope: MigrationFile[],
): Promise<Finding[]> {
  // Files that touch nothing that existed before them (a first migration) lose nothing: no replay needed.
  if (scope.every((file) => onlyNewObjects(file.text))) return [];
  const findings: Finding[] = [];
  const applyOnDev = (count: number) =>
    atlas(['migrate', 'apply', ...targetFlags({ migrate: devUrl, dev: devUrl }), String(count)], { echo: false, cwd: projectRoot });
  await resetScratchDatabase(devUrl);
  try {
    const before = all.findIndex((file) => file.name === scope[0]!.name);
    if (before > 0) {
      const run = await applyOnDev(before);
      if (run.code !== 0)
        throw new Error(`replaying the migrations before ${scope[0]!.name} on the dev database failed: ${failureLine(run)}`);
    }
    let columns = await readColumns(devUrl);
    for (const file of scope) {
      const run = await applyOnDev(1);
      if (run.code !== 0) {
        findings.push({
          file: file.name,
          line: 1,
          source: 'bookshelf',
          rule: 'does-not-apply',
          level: 'fail',
          message: `Atlas cannot apply this file even to an empty database: ${failureLine(run)}`,
          optOut: '',
        });
        break; // the files after it cannot be judged on a schema it did not make
      }
      const next = await readColumns(devUrl);
      findings.push(...compare(file, columns, next));
      columns = next;
    }
  } finally {
    await resetScratchDatabase(devUrl); // Atlas wants its dev database empty
  }
  return findings;
}

/**
 * table -> attnum -> column, for the tables of `public`. Keyed by attnum, as
 * Postgres keys them: a RENAME COLUMN keeps its attnum, a DROP + ADD does not.
 */
type Columns = Map<string, Map<number, { name: string; type: ColumnType }>> & {
  /** A partition's (or inheriting table's) parent tables in `public`. */
  parents?: Map<string, string[]>;
};

function readColumns(url: string): Promise<Columns> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ table: string; attnum: number; column: string; name: string; typmod: number; display: string }>(
      `SELECT c.relname AS table, a.attnum, a.attname AS column, t.typname AS name, a.atttypmod AS typmod,
              format_type(a.atttypid, a.atttypmod) AS display
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_type t ON t.oid = a.atttypid
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY c.relname, a.attnum`,
    );
    const { rows: inherits } = await client.query<{ table: string; parent: string }>(
      `SELECT c.relname AS table, p.relname AS parent
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
         JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_namespace pn ON pn.oid = p.relnamespace
        WHERE n.nspname = 'public' AND pn.nspname = 'public' AND c.relkind IN ('r', 'p')`,
    );
    const columns: Columns = new Map();
    columns.parents = new Map();
    for (const { table, parent } of inherits) columns.parents.set(table, [...(columns.parents.get(table) ?? []), parent]);
    for (const row of rows) {
      if (!columns.has(row.table)) columns.set(row.table, new Map());
      columns.get(row.table)!.set(row.attnum, { name: row.column, type: { name: row.name, typmod: row.typmod, display: row.display } });
    }
    return columns;
  });
}

function compare(file: MigrationFile, before: Columns, after: Columns): Finding[] {
  const findings: Finding[] = [];
  const allowed = allowedRules(file.text);
  for (const [table, oldColumns] of before) {
    const newColumns = after.get(table);
    if (!newColumns) continue; // a dropped table: Atlas's destructive analyzer
    for (const [attnum, { name: column, type: oldType }] of oldColumns) {
      const newType = newColumns.get(attnum)?.type;
      const why = newType && narrowing(oldType, newType);
      if (!why) continue;
      // A partition (or inheriting table) follows its parent's ALTER: the parent's finding is the one, at its
      // statement's line, and its rows include the partitions'.
      if (ancestors(table, after).some((parent) => narrows(parent, column, before, after))) continue;
      const alter = (name: string) => new RegExp(`ALTER\\s+TABLE[^;]*?${ident(name)}[^;]*?${ident(column)}\\s+(SET\\s+DATA\\s+)?TYPE`, 'i');
      findings.push({
        file: file.name,
        line: [table, ...ancestors(table, after)].map((name) => lineOf(file.text, alter(name))).find((line) => line > 0) ?? 1,
        source: 'bookshelf',
        rule: 'narrowing-type-change',
        level: allowed.has('narrowing-type-change') ? 'warn' : 'fail',
        message:
          `"${table}"."${column}" narrows from ${oldType.display} to ${newType.display}: ${why}. ` +
          `Keep the wider type, or add a new column, copy the values with a conversion you have checked against the data, then drop the old column.`,
        optOut: '-- bookshelf:allow narrowing-type-change',
        subject: { table, column, newType },
      });
    }
    const dropped = [...oldColumns].filter(([attnum]) => !newColumns.has(attnum)).map(([, column]) => column.name);
    const added = [...newColumns].filter(([attnum]) => !oldColumns.has(attnum)).map(([, column]) => column.name);
    if (dropped.length === 0 || added.length === 0) continue;
    if (ancestors(table, after).some((parent) => dropsAndAdds(parent, before, after))) continue; // the parent's finding
    const renames = dropped.slice(0, added.length).map((from, i) => `ALTER TABLE "${table}" RENAME COLUMN "${from}" TO "${added[i]}";`);
    findings.push({
      file: file.name,
      line:
        lineOf(
          file.text,
          new RegExp(`ALTER\\s+TABLE[^;]*?${ident(table)}[^;]*?DROP\\s+(COLUMN\\s+)?(IF\\s+EXISTS\\s+)?${ident(dropped[0]!)}`, 'i'),
        ) || 1,
      source: 'bookshelf',
      rule: 'drop-add-column',
      level: allowed.has('drop-add-column') ? 'warn' : 'fail',
      message:
        `"${table}" drops ${dropped.map((c) => `"${c}"`).join(', ')} and adds ${added.map((c) => `"${c}"`).join(', ')} in one migration: ` +
        `probably a rename, and every value of the dropped column is lost. Write \`${renames.join(' ')}\` instead ` +
        `(Atlas writes a rename in schema.sql as DROP + ADD; edit this new, unapplied migration, then npx atlas migrate hash --env local).`,
      optOut: '-- bookshelf:allow drop-add-column',
      subject: { table, column: dropped[0]! },
    });
  }
  return findings;
}

/** The rules a file opts out of: `-- bookshelf:allow rule [rule…]` lines. */
export function allowedRules(text: string): Set<string> {
  const rules = new Set<string>();
  for (const match of text.matchAll(/^[ \t]*--[ \t]*bookshelf:allow[ \t]+([\w \t-]+)$/gm)) {
    for (const rule of match[1]!.trim().split(/\s+/)) rules.add(rule);
  }
  return rules;
}

/** An identifier as SQL may write it: quoted or bare. */
const ident = (name: string) => `"?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?`;
const lineOf = (text: string, pattern: RegExp) => {
  const match = pattern.exec(text);
  return match ? lineAt(text, match.index) : 0;
};

/** `table`'s parents, their parents, ... (nearest first). */
function ancestors(table: string, columns: Columns, seen = new Set<string>()): string[] {
  const parents = (columns.parents?.get(table) ?? []).filter((parent) => !seen.has(parent));
  for (const parent of parents) seen.add(parent);
  return parents.flatMap((parent) => [parent, ...ancestors(parent, columns, seen)]);
}

/** Whether `table` loses a column and gains another from `before` to `after`. */
function dropsAndAdds(table: string, before: Columns, after: Columns): boolean {
  const old = before.get(table);
  const now = after.get(table);
  if (!old || !now) return false;
  return [...old.keys()].some((attnum) => !now.has(attnum)) && [...now.keys()].some((attnum) => !old.has(attnum));
}

/** Whether `table`'s column named `column` narrows from `before` to `after`. */
function narrows(table: string, column: string, before: Columns, after: Columns): boolean {
  const old = [...(before.get(table)?.values() ?? [])].find((c) => c.name === column);
  const now = [...(after.get(table)?.values() ?? [])].find((c) => c.name === column);
  return Boolean(old && now && narrowing(old.type, now.type));
}
