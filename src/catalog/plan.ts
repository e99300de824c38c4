import { describeDifference } from './compare.ts';
import { creationOrder, dropOrder, requirements, withDependents } from './dependencies.ts';
import type { Catalog, CatalogObject, ObjectKind } from './object.ts';
import { createStatement, dropStatement, ManualChange, returnType, rowSecurityChange } from './statements.ts';
import { populatednessChange } from './populated.ts';
import { correctionInPlace, renamedConstraints } from './corrections.ts';

/**
 * What db:diff writes around Atlas's own statements, for the objects Atlas
 * community does not diff (views, functions, triggers, partitions, domains,
 * extensions, policies, RLS, comments, ...), from Postgres' catalogs of the
 * states involved. Pure: the same catalogs give the same statements, in
 * dependency order, ties broken by kind and name.
 *
 * Two halves, because Atlas's SQL sits between them:
 * - before: what Atlas's statements need (extensions, domains, types,
 *   functions that defaults and checks call), and dropping the views,
 *   policies and triggers on tables whose columns Atlas is about to alter or
 *   drop (Postgres refuses those changes while they read the column);
 * - after: everything still different once Atlas's statements ran: views,
 *   triggers, policies, partitions, comments, replaced functions, drops.
 */

/** Kinds that may be created before Atlas's statements: nothing Atlas makes can be in them. */
const prerequisiteKinds = new Set<ObjectKind>([
  'schema',
  'extension',
  'domain',
  'composite type',
  'range type',
  'sequence',
  'function',
  'procedure',
  'aggregate',
]);
const views = new Set<ObjectKind>(['view', 'materialized view']);
/** What Postgres ties to the columns it reads: ALTER COLUMN TYPE and DROP COLUMN are refused while it exists. */
const columnReaders = new Set<ObjectKind>([...views, 'policy', 'trigger']);
const routines = new Set<ObjectKind>(['function', 'procedure']);
/** Those, and a function or procedure with an SQL-standard body (BEGIN ATOMIC): Postgres ties it to the columns it reads. */
const readsColumnsOf = (object: CatalogObject) =>
  columnReaders.has(object.kind) || (routines.has(object.kind) && object.readsColumns !== undefined);

/**
 * `old`: migrations/ replayed without Atlas's new file; `declared`: schema.sql loaded.
 */
export function planBeforeAtlas(old: Catalog, declared: Catalog): string[] {
  // Prerequisites: new objects of the kinds above whose own needs exist by then.
  const early = new Set<string>();
  for (let grew = true; grew;) {
    grew = false;
    for (const [key, object] of declared) {
      if (early.has(key) || old.has(key) || !prerequisiteKinds.has(object.kind)) continue;
      if (object.kind === 'sequence' && / OWNED BY /.test(object.definition)) continue; // needs its column: after
      if (requirements(object, declared).every((needed) => old.has(needed) || early.has(needed))) {
        early.add(key);
        grew = true;
      }
    }
  }
  // Views, policies and triggers that read a column Atlas alters or drops (or a table it drops), and views that
  // change themselves: dropped here, created again after Atlas's statements. What reads other columns of the table
  // stays (pg_depend knows which columns each reads: queries.ts).
  const droppedTables = new Set<string>();
  const alteredColumns = new Set<string>();
  for (const [key, object] of old) {
    if (object.kind === 'table' && !declared.has(key)) droppedTables.add(key);
    if (object.kind === 'column' && columnAltered(object, declared.get(key))) alteredColumns.add(object.name);
  }
  const alteredTables = new Set([...alteredColumns].map((name) => `table ${old.get(`column ${name}`)!.dependsOn![0]}`));
  const readsAltered = (object: CatalogObject) => {
    const needs = requirements(object, old);
    if (needs.some((needed) => droppedTables.has(needed))) return true;
    if (!object.readsColumns) return needs.some((needed) => alteredTables.has(needed)); // not known: every column counts
    return object.readsColumns.some(
      (read) => alteredColumns.has(read) || (read.endsWith('.*') && alteredTables.has(`table ${read.slice(0, -2)}`)),
    );
  };
  const seeds = [...old].filter(
    ([key, object]) =>
      (views.has(object.kind) && viewNeedsRebuild(object, declared.get(key))) || (readsColumnsOf(object) && readsAltered(object)),
  );
  const dropped = [
    ...withDependents(
      seeds.map(([key]) => key),
      old,
    ),
  ].filter((key) => readsColumnsOf(old.get(key)!));

  const statements = dropOrder(dropped, old).map((key) => dropStatement(old.get(key)!));
  const created = creationOrder(early, declared).map((key) => declared.get(key)!);
  // A SQL function's body may read tables Atlas has yet to create; it is checked when called instead. Not SET
  // LOCAL: Atlas replays migrations on the dev database outside transactions, where SET LOCAL does nothing.
  const checkBodiesLater = created.some((object) => routines.has(object.kind));
  if (checkBodiesLater) statements.push('SET check_function_bodies = off;');
  statements.push(...created.map(createStatement));
  if (checkBodiesLater) statements.push('RESET check_function_bodies;');
  return statements;
}

/**
 * `current`: migrations/ replayed with the new file holding the "before"
 * half and Atlas's statements; `declared`: schema.sql loaded; `old`: the
 * state before the new file (what it makes is new: corrections.ts).
 */
export function planAfterAtlas(current: Catalog, declared: Catalog, old: Catalog = current): string[] {
  const created = new Map<string, string[]>(); // key in declared → its statements
  const corrected = new Map<string, string[]>(); // key in both: what Atlas wrote otherwise, altered in place (before any drop)
  const dropped = new Set<string>(); // keys in current
  const rebuilt = new Set<string>(); // keys in both: dropped, then created anew
  const renamed = renamedConstraints(current, declared);

  for (const key of [...new Set([...current.keys(), ...declared.keys()])].sort()) {
    const now = current.get(key);
    const wanted = declared.get(key);
    if (now?.definition === wanted?.definition || renamed.settled.has(key)) continue;
    const correction = now && wanted && !now.inherited ? correctionInPlace(now, wanted, !old.has(key)) : undefined;
    if (correction) {
      corrected.set(key, correction);
      continue;
    }
    if (!now) {
      if (!wanted!.inherited) created.set(key, [createStatement(wanted!)]); // inherited: comes with its partition
    } else if (!wanted) {
      if (!now.inherited) dropped.add(key);
    } else {
      const change = changeInPlace(now, wanted);
      if (change) created.set(key, change);
      else rebuilt.add(key);
    }
  }
  for (const key of withDependents(rebuilt, current)) {
    const object = current.get(key)!;
    if (object.inherited) continue;
    if (['table', 'column', 'constraint'].includes(object.kind)) {
      throw new ManualChange(
        `${object.kind} ${object.name}`,
        `it depends on ${[...rebuilt].join(', ')}, which must be dropped and created anew`,
      );
    }
    dropped.add(key);
    const wanted = declared.get(key);
    if (wanted) created.set(key, [createStatement(wanted)]);
  }
  // What goes with its owner (an index, trigger or policy with its relation, a comment with its object) needs no drop of its own.
  const goesWithOwner = (key: string) => {
    const object = current.get(key)!;
    if (object.kind === 'comment') return requirements(object, current).some((owner) => dropped.has(owner));
    if (!['index', 'trigger', 'policy'].includes(object.kind)) return false;
    const relation = object.dependsOn?.[0];
    return ['table', 'view', 'materialized view'].some((kind) => dropped.has(`${kind} ${relation}`));
  };
  const drops = dropOrder(
    [...dropped].filter((key) => !goesWithOwner(key)),
    current,
  ).map((key) => dropStatement(current.get(key)!));
  const creates = creationOrder(created.keys(), declared).flatMap((key) => created.get(key)!);
  // Corrections first: a column's default moves off the sequence Atlas made before that sequence is dropped.
  const corrections = creationOrder(corrected.keys(), declared).flatMap((key) => corrected.get(key)!);
  return [...renamed.statements, ...corrections, ...drops, ...creates];
}

const firstLine = (object: CatalogObject) => object.definition.split('\n')[0];

/** The statements that turn `now` into `wanted` without dropping it, or undefined when it must be dropped and created anew. */
function changeInPlace(now: CatalogObject, wanted: CatalogObject): string[] | undefined {
  const name = `${wanted.kind} ${wanted.name}`;
  switch (wanted.kind) {
    case 'function':
    case 'procedure':
      // pg_get_functiondef says CREATE OR REPLACE; Postgres refuses it for another result type, and for renamed
      // parameters or removed defaults (the first line: name, parameters, defaults).
      return returnType(now) === returnType(wanted) && firstLine(now) === firstLine(wanted) ? [wanted.definition] : undefined;
    case 'view':
      return viewNeedsRebuild(now, wanted) ? undefined : [wanted.definition.replace(/^CREATE VIEW /, 'CREATE OR REPLACE VIEW ')];
    case 'materialized view':
      return populatednessChange(now, wanted); // else dropped and created anew
    case 'trigger':
    case 'policy':
    case 'aggregate':
    case 'index':
      return undefined;
    case 'comment':
      return [wanted.definition];
    case 'table':
      return rowSecurityChange(now, wanted);
    case 'extension': {
      const [nowHead, nowVersion] = now.definition.split(' VERSION ');
      const [wantedHead, wantedVersion] = wanted.definition.split(' VERSION ');
      if (nowHead !== wantedHead) throw new ManualChange(name, 'its schema changed');
      return [`ALTER EXTENSION ${wanted.name} UPDATE TO ${wantedVersion!.replace(/;$/, '')};`].filter(() => nowVersion !== wantedVersion);
    }
    default:
      throw new ManualChange(
        name,
        `it changed, and db:diff writes no ALTER for a ${wanted.kind}`,
        describeDifference({ kind: wanted.kind, name: wanted.name, left: now.definition, right: wanted.definition }, [
          'migrations',
          'schema.sql',
        ]).slice(1),
      );
  }
}

/**
 * Whether Atlas's statements change `now` in a way Postgres refuses while
 * something reads the column: DROP COLUMN, or ALTER COLUMN TYPE (a type,
 * collation, generated expression or identity change). A default or NOT NULL
 * change is allowed under a view.
 */
function columnAltered(now: CatalogObject, wanted: CatalogObject | undefined): boolean {
  if (!wanted) return true;
  if (now.definition === wanted.definition) return false;
  if (!now.column || !wanted.column) return true;
  return now.column.type !== wanted.column.type || now.column.fixed !== wanted.column.fixed;
}

/**
 * A view can be replaced in place (CREATE OR REPLACE VIEW) only when its
 * existing columns stay as they are and new ones are appended; a
 * materialized view never can. Also true when the view goes away.
 */
function viewNeedsRebuild(now: CatalogObject, wanted: CatalogObject | undefined): boolean {
  if (!wanted) return true;
  if (now.definition === wanted.definition) return false;
  if (populatednessChange(now, wanted)) return false; // REFRESH, after Atlas's statements
  if (now.kind !== 'view' || wanted.kind !== 'view') return true;
  const before = now.columns ?? [];
  const after = wanted.columns ?? [];
  return after.length < before.length || before.some((column, i) => after[i] !== column);
}
