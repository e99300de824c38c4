import { execFileSync } from 'node:child_process';

/**
 * git in a project, for the commands that read its history (db:rebase: which
 * migrations the base branch has; db:revert: schema.sql before a migration).
 * Null when git fails (not a repository, an unknown ref, a path not in a
 * commit): the caller says what that means for it.
 */
export function git(root: string, ...args: string[]): string | null {
  try {
    return execFileSync('git', ['-C', root, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    return null;
  }
}

/** True when `ref` names a commit. */
export function refExists(root: string, ref: string): boolean {
  return git(root, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`) !== null;
}

/** The migration files (`*.sql` under migrations/) that the commit `ref` holds. */
export function migrationsAt(root: string, ref: string): string[] | null {
  const listing = git(root, 'ls-tree', '--name-only', ref, '--', 'migrations/');
  if (listing === null) return null;
  return listing
    .split('\n')
    .map((line) => line.replace(/^migrations\//, ''))
    .filter((name) => name.endsWith('.sql'))
    .sort();
}

/** True when git tracks `file` (relative to root): it moves with `git mv`, so history follows it. */
export function isTracked(root: string, file: string): boolean {
  return git(root, 'ls-files', '--error-unmatch', '--', file) !== null;
}
