import { execFileSync } from 'node:child_process';
import { migrationNames } from '../project/migration-files.ts';
import path from 'node:path';

/**
 * What git knows about migrations/: which files are new since a base (to
 * lint) and which committed ones were changed (never allowed). Atlas's own
 * `--git-base` only sees committed files; this also counts work not yet
 * committed.
 */
export interface LintScope {
  latest: number;
  /** How the scope was chosen, for the check's one-line reason. */
  because: string;
}

export interface LintOptions {
  /** Lint exactly the newest N files (like `atlas migrate lint --latest N`). */
  latest?: number | undefined;
  /** Compare with this git ref (e.g. origin/main) instead of the default. */
  gitBase?: string | undefined;
}

/** The bases tried, in order, when none is given. */
const defaultBases = ['origin/HEAD', 'origin/main', 'origin/master', 'HEAD'];

/** The git ref to compare with, or null outside git. An explicit ref must exist. */
export function gitBase(projectRoot: string, explicit?: string): string | null {
  for (const base of explicit ? [explicit] : defaultBases) {
    if (git(projectRoot, 'rev-parse', '--verify', '--quiet', `${base}^{commit}`) !== null) return base;
  }
  if (explicit) throw new Error(`--git-base ${explicit}: not a git repository or unknown ref`);
  return null;
}

/** Lint the files new since the base, reaching back to the oldest; else the newest one. */
export function lintScope(projectRoot: string, options: LintOptions = {}): LintScope {
  if (options.latest) return { latest: options.latest, because: `--latest ${options.latest}` };
  const base = gitBase(projectRoot, options.gitBase);
  const added = base ? changedSince(projectRoot, base, 'AR') : [];
  const files = migrationNames(projectRoot);
  const oldest = files.findIndex((file) => added.includes(file));
  if (oldest !== -1) return { latest: files.length - oldest, because: `${added.length} file(s) new since ${base}` };
  if (options.gitBase) return { latest: 0, because: `no migration added since ${base}` };
  return { latest: 1, because: 'no new migration files found: the newest one' };
}

/**
 * Migration files changed since `base` (`AR`: added or renamed, committed or
 * not, plus untracked files; `MD`: modified or deleted).
 */
export function changedSince(projectRoot: string, base: string, filter: 'AR' | 'MD'): string[] {
  const changed = git(projectRoot, 'diff', '--name-only', `--diff-filter=${filter}`, base, '--', 'migrations') ?? '';
  const untracked = filter === 'AR' ? (git(projectRoot, 'ls-files', '--others', '--exclude-standard', '--', 'migrations') ?? '') : '';
  const names = `${changed}\n${untracked}`.split('\n').filter((line) => line.endsWith('.sql'));
  return [...new Set(names.map((line) => path.basename(line)))];
}

function git(projectRoot: string, ...args: string[]): string | null {
  try {
    return execFileSync('git', ['-C', projectRoot, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}
