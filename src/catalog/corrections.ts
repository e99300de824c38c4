import type { Catalog, CatalogObject } from './object.ts';
import { rowSecurityChange } from './statements.ts';

/**
 * Corrections to what Atlas wrote, where Atlas writes an object differently
 * from the catalog of schema.sql (issue 19, A1–A8): db:diff must never stop
 * because of how Atlas spells a table, so the plan (plan.ts) adds the
 * statements that make the catalogs agree. Each returns the statements that
 * turn `now` (after Atlas's statements) into `wanted` (schema.sql) in place,
 * or undefined when it cannot (then the caller falls back to its own rules).
 *
 * - a column's type (`timestamp(6)`, which Atlas writes as `timestamp`),
 *   default (a varchar default cast to text; `nextval` of the sequence
 *   schema.sql names, where Atlas wrote `serial` and made its own) and NOT NULL;
 * - a sequence's options (`bigint`, `START WITH`, OWNED BY): ALTER SEQUENCE,
 *   RESTART only for a sequence this migration makes (`isNew`);
 * - a foreign key or CHECK that lost `NOT VALID` or `DEFERRABLE`: dropped and
 *   added again as declared (nothing can depend on either);
 * - a table's storage options (`WITH (fillfactor = 50)`) and persistence (UNLOGGED).
 */
export function correctionInPlace(now: CatalogObject, wanted: CatalogObject, isNew: boolean): string[] | undefined {
  const statements = (() => {
    switch (wanted.kind) {
      case 'column':
        return columnCorrection(now, wanted);
      case 'sequence':
        return sequenceCorrection(now, wanted, isNew);
      case 'constraint':
        return constraintCorrection(now, wanted);
      case 'table':
        return tableCorrection(now, wanted);
      default:
        return undefined;
    }
  })();
  return statements?.length ? statements : undefined; // nothing found to alter: the caller's rules decide
}

function columnCorrection(now: CatalogObject, wanted: CatalogObject): string[] | undefined {
  const a = now.column;
  const b = wanted.column;
  if (!a || !b || a.fixed !== b.fixed) return undefined;
  const alter = (change: string) => `ALTER TABLE ${b.table} ALTER COLUMN ${b.name} ${change};`;
  const statements: string[] = [];
  const typeChanges = a.type !== b.type;
  // A default of the old type may not cast to the new one: off first, then set as declared.
  if (a.default !== null && (typeChanges || a.default !== b.default)) statements.push(alter('DROP DEFAULT'));
  if (typeChanges) statements.push(alter(`TYPE ${b.type}`));
  if (b.default !== null && (typeChanges || a.default !== b.default || a.default === null))
    statements.push(alter(`SET DEFAULT ${b.default}`));
  if (a.notNull !== b.notNull) statements.push(alter(b.notNull ? 'SET NOT NULL' : 'DROP NOT NULL'));
  return statements;
}

const sequencePattern = /^CREATE SEQUENCE (\S+) AS (.+?) (INCREMENT BY .+? CACHE -?\d+ (?:NO )?CYCLE)(?: OWNED BY (.+))?;$/;

function sequenceCorrection(now: CatalogObject, wanted: CatalogObject, isNew: boolean): string[] | undefined {
  const a = sequencePattern.exec(now.definition);
  const b = sequencePattern.exec(wanted.definition);
  if (!a || !b) return undefined;
  const statements: string[] = [];
  if (a[2] !== b[2] || a[3] !== b[3]) {
    // RESTART: a sequence made by this migration starts where schema.sql says; an existing one keeps its position.
    statements.push(`ALTER SEQUENCE ${b[1]} AS ${b[2]} ${b[3]}${isNew ? ' RESTART' : ''};`);
  }
  if (a[4] !== b[4]) statements.push(`ALTER SEQUENCE ${b[1]} OWNED BY ${b[4] ?? 'NONE'};`);
  return statements;
}

const constraintPattern = /^ALTER TABLE (\S+) ADD CONSTRAINT (\S+) (.*);$/s;

function constraintCorrection(now: CatalogObject, wanted: CatalogObject): string[] | undefined {
  const a = constraintPattern.exec(now.definition);
  const b = constraintPattern.exec(wanted.definition);
  if (!a || !b || !/^(FOREIGN KEY|CHECK) /.test(a[3]!) || !/^(FOREIGN KEY|CHECK) /.test(b[3]!)) return undefined;
  return [`ALTER TABLE ${a[1]} DROP CONSTRAINT ${a[2]};`, wanted.definition];
}

/** `CREATE [UNLOGGED ]TABLE name (…)[ INHERITS …][ PARTITION BY …][ WITH (…)];` and its RLS lines. */
const tablePattern = /^CREATE (UNLOGGED )?TABLE (\S+) \(…\)(.*?)(?: WITH \((.*)\))?;$/;

function tableCorrection(now: CatalogObject, wanted: CatalogObject): string[] | undefined {
  const a = tablePattern.exec(now.definition.split('\n')[0]!);
  const b = tablePattern.exec(wanted.definition.split('\n')[0]!);
  if (!a || !b || a[3] !== b[3]) return undefined; // inheritance, partitioning: not here
  const statements: string[] = [];
  if (a[1] !== b[1]) statements.push(`ALTER TABLE ${b[2]} SET ${b[1] ? 'UNLOGGED' : 'LOGGED'};`);
  const before = storageOptions(a[4]);
  const after = storageOptions(b[4]);
  const reset = [...before.keys()].filter((name) => !after.has(name));
  const set = [...after].filter(([name, value]) => before.get(name) !== value).map(([name, value]) => `${name}=${value}`);
  if (reset.length) statements.push(`ALTER TABLE ${b[2]} RESET (${reset.join(', ')});`);
  if (set.length) statements.push(`ALTER TABLE ${b[2]} SET (${set.join(', ')});`);
  if (statements.length === 0) return undefined; // the first line agrees: row-level security is statements.ts's
  // And row-level security, as if the first line already agreed.
  const [first, ...rest] = now.definition.split('\n');
  void first;
  const aligned = { ...now, definition: [wanted.definition.split('\n')[0]!, ...rest].join('\n') };
  return [...statements, ...rowSecurityChange(aligned, wanted)];
}

/** `fillfactor=50, autovacuum_enabled=false` → name → value. */
function storageOptions(text: string | undefined): Map<string, string> {
  return new Map((text ? text.split(', ') : []).map((option) => option.split('=', 2) as [string, string]));
}

/**
 * Constraints Atlas named otherwise (a primary key `r3_pkey1` it writes
 * inline, so Postgres names it `r3_pkey`): the same definition on the same
 * table under another name, on each side only. Returns RENAME statements
 * and the keys (in `current` and in `declared`) they settle.
 */
export function renamedConstraints(current: Catalog, declared: Catalog): { statements: string[]; settled: Set<string> } {
  const statements: string[] = [];
  const settled = new Set<string>();
  const body = (object: CatalogObject) => constraintPattern.exec(object.definition);
  const onlyIn = (from: Catalog, other: Catalog) =>
    [...from].filter(([key, object]) => object.kind === 'constraint' && !object.inherited && !other.has(key) && body(object));
  const candidates = onlyIn(current, declared);
  for (const [wantedKey, wanted] of onlyIn(declared, current)) {
    const [, table, name, definition] = body(wanted)!;
    const match = candidates.find(([key, object]) => !settled.has(key) && body(object)![1] === table && body(object)![3] === definition);
    if (!match) continue;
    statements.push(`ALTER TABLE ${table} RENAME CONSTRAINT ${body(match[1])![2]} TO ${name};`);
    settled.add(match[0]);
    settled.add(wantedKey);
  }
  return { statements, settled };
}
