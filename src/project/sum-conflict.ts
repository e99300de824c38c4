/**
 * A merge or rebase of two branches that each added a migration leaves
 * git's conflict markers in migrations/atlas.sum (Atlas chains its hashes on
 * purpose, so the two lines cannot both be right). Read as a sum, the marker
 * lines would look like file names; every reader checks this first.
 */
export function hasConflictMarkers(sumText: string): boolean {
  return /^(<{7}|={7}|>{7}|\|{7})( |$)/m.test(sumText);
}

export const sumConflictMessage = 'atlas.sum has merge conflict markers: run npm run db:rebase';
