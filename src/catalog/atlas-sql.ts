import type { Catalog } from './object.ts';

/**
 * Atlas's own SQL (a migration from `atlas migrate diff`, or the output of
 * `atlas schema inspect` for db:adopt), corrected before it runs where a
 * correction after it cannot run or would undo it (issue 19). Everything
 * else Atlas writes differently is corrected after it (corrections.ts).
 */

/** Atlas's SQL corrected by both rules below. */
export function correctAtlasSql(sql: string, catalog: Catalog, isNew: (table: string) => boolean = () => true): string {
  return withoutConstraintIndexes(withPartitionKeyTypes(sql, catalog, isNew), catalog);
}

/**
 * Atlas reads a UNIQUE or an exclusion constraint (`ADD CONSTRAINT … UNIQUE
 * (name)`, `EXCLUDE USING gist (room WITH =, booked WITH &&)`, as pg_dump
 * writes them) as a plain index and writes `CREATE [UNIQUE] INDEX` for it;
 * the constraint itself is added after Atlas's statements, so that index
 * would be dropped again in the same file (and the gate flags a DROP INDEX
 * that is not CONCURRENTLY). Atlas's statement is left out: the constraint
 * makes its own index.
 */
function withoutConstraintIndexes(sql: string, catalog: Catalog): string {
  let out = sql;
  for (const object of catalog.values()) {
    const match = object.kind === 'constraint' && !object.inherited && / ADD CONSTRAINT (\S+) (?:UNIQUE|EXCLUDE) /.exec(object.definition);
    if (!match) continue;
    const name = match[1]!.startsWith('"') ? match[1]! : `"${match[1]!}"`;
    const statement = new RegExp(
      `(?:-- Create index ${escapeRegExp(name)} to table: "[^"\n]*"\n)?CREATE (?:UNIQUE )?INDEX ${escapeRegExp(name)} ON [^;]*;\n?`,
    );
    out = out.replace(statement, '');
  }
  return out;
}

/**
 * A partition key column keeps the type Atlas gives it: Postgres refuses
 * `ALTER COLUMN … TYPE` on it ("cannot alter column … because it is part of
 * the partition key"), so the correction db:diff and db:adopt write for
 * other columns (corrections.ts: Atlas writes `timestamp` for Rails'
 * `timestamp(6)`, issue 19) cannot run there. Instead the catalog's type
 * goes into Atlas's own `CREATE TABLE … PARTITION BY …` statement.
 *
 * `sql` is Atlas's SQL (a migration from `atlas migrate diff`, or the
 * output of `atlas schema inspect`, one line or indented); `catalog` holds
 * the tables as declared; `isNew` says which of them `sql` creates.
 * Only a type with a modifier (`timestamp(6)`, `numeric(10,2)`,
 * `varchar(20)`) is put in: that is what Atlas leaves out; a type Atlas
 * merely spells otherwise stays as Atlas wrote it.
 */
function withPartitionKeyTypes(sql: string, catalog: Catalog, isNew: (table: string) => boolean = () => true): string {
  const create = /CREATE TABLE (?:"([^"]+)"\.)?"([^"]+)" \(([^;]*?)\)(\s*PARTITION BY [^;]*);/g;
  return sql.replace(create, (statement: string, schema: string | undefined, name: string, body: string, partitionBy: string) => {
    const table = `${quoteName(schema ?? 'public')}.${quoteName(name)}`;
    const declared = catalog.get(`table ${table}`);
    if (!declared || !isNew(table)) return statement;
    const key = / PARTITION BY \w+ \((.*)\)/.exec(declared.definition.split('\n')[0]!)?.[1];
    if (!key) return statement;
    const keyColumns = new Set(topLevelItems(key).map((item) => /^("(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)(?:\s|$)/.exec(item)?.[1]));
    let fixed = body;
    for (const object of catalog.values()) {
      const column = object.column;
      if (object.kind !== 'column' || object.inherited || column?.table !== table || !keyColumns.has(column.name)) continue;
      if (!/\(\d+(,\d+)?\)/.test(column.type)) continue;
      const quoted = column.name.startsWith('"') ? column.name : `"${column.name}"`;
      const atlasColumn = new RegExp(`(^\\s*|[(,]\\s*)(${escapeRegExp(quoted)} )(.+?)( NOT NULL| NULL)`);
      fixed = fixed.replace(atlasColumn, (whole, before: string, head: string, type: string, tail: string) =>
        type === column.type ? whole : `${before}${head}${column.type}${tail}`,
      );
    }
    const head = statement.slice(0, statement.length - body.length - partitionBy.length - 2); // `CREATE TABLE … (`
    return `${head}${fixed})${partitionBy};`;
  });
}

/** How Postgres' catalogs print a name: quoted only where it must be. */
function quoteName(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** `a, lower(b), (c + 1)` → its items, split at the commas outside parentheses. */
function topLevelItems(list: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i] === '(') depth++;
    else if (list[i] === ')') depth--;
    else if (list[i] === ',' && depth === 0) {
      items.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  items.push(list.slice(start).trim());
  return items;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
