/**
 * New versions for migration files (db:rebase). A version is what a file
 * name starts with (src/project/migration-files.ts: versionOf).
 */

/** The file name without its version: `add_website.sql`. */
export const descriptionOf = (file: string): string => file.replace(/^\d+_?/, '');

/**
 * The versions after `after`, one a second: Atlas's own versions are UTC
 * timestamps (YYYYMMDDHHMMSS); other numeric versions count up by one.
 */
export function nextVersions(after: string, count: number): string[] {
  const versions: string[] = [];
  const stamp = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(after);
  for (let i = 1; i <= count; i++) {
    if (stamp) {
      const [, y, mo, d, h, mi, s] = stamp.map(Number) as number[];
      const next = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s! + i));
      versions.push(next.toISOString().replace(/\D/g, '').slice(0, 14));
    } else {
      versions.push((BigInt(after || '0') + BigInt(i)).toString());
    }
  }
  return versions;
}
