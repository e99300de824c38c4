// Atlas versions: reading what a binary says, and what each version can do.
// Plain JavaScript, like the rest of src/atlas/, so that it runs at install.

/**
 * The version in the first line of `atlas version`, or null. Both forms:
 * `atlas version v0.13.1` (v0.x, and our patched `v0.13.1+pg16`) and
 * `atlas community version v1.2.3` (official v1.x community builds; other
 * editions print their own word there).
 */
export function parseVersion(output) {
  const firstLine =
    String(output ?? '')
      .trim()
      .split('\n')[0] ?? '';
  const match = /^atlas (?:[a-z]+ )?version (v\d+\.\d+\.\d+\S*)/i.exec(firstLine);
  return match ? match[1] : null;
}

/** [major, minor, patch] of `v1.2.3`, `v0.13.1+pg16`, `v0.14.2-canary`. */
function numbers(version) {
  const match = /^v(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match ? match.slice(1).map(Number) : null;
}

/** Whether `version` is at least `minimum` (both `vX.Y.Z…`). */
export function atLeast(version, minimum) {
  const a = numbers(version);
  const b = numbers(minimum);
  if (!a || !b) return false;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

/**
 * The oldest release whose Postgres driver opens Postgres 16+ (upstream's
 * fix of lc_collate/lc_ctype), or our patched v0.13.1 (`+pg16`).
 */
export const minimumVersion = 'v0.14.1';

export function opensPostgres16(version) {
  return atLeast(version, minimumVersion) || /\+pg16\b/.test(version);
}

/**
 * What bookshelf relies on that differs between Atlas versions. Found in
 * Atlas's history: the concurrent-index analyzer (PG101-PG103) left the
 * open-source build in v0.22.0 (moved to the paid edition), the naming
 * analyzer (NM) in v0.32.0.
 */
export function capabilities(version) {
  return {
    concurrentIndexAnalyzer: !atLeast(version, 'v0.22.0'),
    namingAnalyzer: !atLeast(version, 'v0.32.0'),
  };
}
