import type { Catalog, CatalogObject, ObjectKind } from './object.ts';

/**
 * The dependency graph of a catalog, from each object's `dependsOn` names
 * (and, for a comment, the object it is on), and the orders derived from it.
 * A name no object of the catalog carries is outside the schema (a built-in
 * or an extension's) and always there.
 */

/** Creation order of the kinds when nothing else decides (dependencies come first anyway). */
const kindRank: ObjectKind[] = [
  'schema',
  'extension',
  'enum',
  'domain',
  'composite type',
  'range type',
  'sequence',
  'function',
  'procedure',
  'aggregate',
  'table',
  'column',
  'constraint',
  'index',
  'view',
  'materialized view',
  'trigger',
  'policy',
  'comment',
];

const keyOf = (object: Pick<CatalogObject, 'kind' | 'name'>) => `${object.kind} ${object.name}`;

/** `COMMENT ON VIEW public.v` is on `public.v`. */
const commentTarget = (name: string) => name.replace(/^(MATERIALIZED VIEW|FOREIGN TABLE|[A-Z]+) /, '');

/** The keys (in `catalog`) of what `object` needs to exist first. */
export function requirements(object: CatalogObject, catalog: Catalog): string[] {
  const names = object.kind === 'comment' ? [commentTarget(object.name)] : (object.dependsOn ?? []);
  const keys: string[] = [];
  for (const name of names) {
    for (const kind of kindRank) {
      const key = `${kind} ${name}`;
      if (key !== keyOf(object) && catalog.has(key)) keys.push(key);
    }
  }
  return keys;
}

/**
 * `keys` in an order where everything comes after what it needs (within
 * `keys`; the rest is assumed to exist), ties broken by kind, then name:
 * the same input always gives the same order.
 */
export function creationOrder(keys: Iterable<string>, catalog: Catalog): string[] {
  const wanted = new Set(keys);
  const rank = (key: string) => kindRank.indexOf(catalog.get(key)!.kind);
  const before = (a: string, b: string) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const key of wanted) {
    const needs = new Set(requirements(catalog.get(key)!, catalog).filter((k) => wanted.has(k)));
    waitingOn.set(key, needs.size);
    for (const needed of needs) dependents.set(needed, [...(dependents.get(needed) ?? []), key]);
  }
  const ready = [...wanted].filter((key) => waitingOn.get(key) === 0).sort(before);
  const order: string[] = [];
  while (order.length < wanted.size) {
    // A cycle (which Postgres itself would refuse) is broken by rank, so the order stays total.
    const next = ready.shift() ?? [...wanted].filter((key) => waitingOn.get(key)! > 0).sort(before)[0]!;
    waitingOn.set(next, -1);
    order.push(next);
    for (const dependent of dependents.get(next) ?? []) {
      const left = waitingOn.get(dependent)! - 1;
      waitingOn.set(dependent, left);
      if (left === 0) ready.splice(insertionPoint(ready, dependent, before), 0, dependent);
    }
  }
  return order;
}

/** Where `key` goes in the sorted `list`. */
function insertionPoint(list: string[], key: string, before: (a: string, b: string) => number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (before(list[middle]!, key) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The reverse: dependents before what they depend on (for dropping). */
export function dropOrder(keys: Iterable<string>, catalog: Catalog): string[] {
  return creationOrder(keys, catalog).reverse();
}

/** `keys` and everything in `catalog` that depends on them, directly or not. */
export function withDependents(keys: Iterable<string>, catalog: Catalog): Set<string> {
  const dependents = new Map<string, string[]>();
  for (const [key, object] of catalog) {
    for (const needed of requirements(object, catalog)) dependents.set(needed, [...(dependents.get(needed) ?? []), key]);
  }
  const result = new Set<string>();
  const visit = (key: string) => {
    if (result.has(key)) return;
    result.add(key);
    for (const dependent of dependents.get(key) ?? []) visit(dependent);
  };
  for (const key of keys) visit(key);
  return result;
}
