import type { Catalog, CatalogObject } from './object.ts';

/** One object that two catalogs do not agree on. */
export interface Difference {
  kind: CatalogObject['kind'];
  name: string;
  /** Its definition on each side; undefined where it does not exist. */
  left: string | undefined;
  right: string | undefined;
}

/**
 * Every object whose definition differs, or that exists on one side only,
 * in a stable order (kind, then name). Columns are compared by name, not by
 * position: Postgres appends an added column, and no ALTER can move one.
 */
export function compareCatalogs(left: Catalog, right: Catalog): Difference[] {
  const keys = [...new Set([...left.keys(), ...right.keys()])].sort();
  const differences: Difference[] = [];
  for (const key of keys) {
    const a = left.get(key);
    const b = right.get(key);
    if (a?.definition === b?.definition) continue;
    const object = (a ?? b)!;
    differences.push({ kind: object.kind, name: object.name, left: a?.definition, right: b?.definition });
  }
  return differences;
}

/** A difference for people: what, and its definition on each side (named by `labels`). */
export function describeDifference(difference: Difference, labels: [string, string]): string[] {
  const state =
    difference.left === undefined ? `only in ${labels[1]}` : difference.right === undefined ? `only in ${labels[0]}` : 'differs';
  const side = (label: string, definition: string | undefined) =>
    definition === undefined ? [] : [`  ${label}:`, ...definition.split('\n').map((line) => `    ${line}`)];
  return [`${difference.kind} ${difference.name}: ${state}`, ...side(labels[0], difference.left), ...side(labels[1], difference.right)];
}
