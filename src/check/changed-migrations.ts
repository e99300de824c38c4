import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Which migrations `db:check` lints. Atlas's own `--git-base` only sees
 * committed files; this also counts files not yet committed, then lints
 * them with `--latest N`, N reaching back to the oldest new file.
 */
export interface LintScope {
  latest: number;
  /** How the scope was chosen, for the check's one-line reason. */
  because: string;
}

export interface LintOptions {
  /** Lint exactly the newest N files (like `atlas migrate lint --latest N`). */
  latest?: number;
  /** Lint the files added since this git ref (e.g. origin/main). */
  gitBase?: string;
}

/** The default bases to try, in order, when none is given. */
const defaultBases = ['origin/HEAD', 'origin/main', 'origin/master', 'HEAD'];

export function lintScope(projectRoot: string, options: LintOptions = {}): LintScope {
  if (options.latest) return { latest: options.latest, because: `--latest ${options.latest}` };
  const files = readdirSync(path.join(projectRoot, 'migrations')).filter((file) => file.endsWith('.sql')).sort();
  const bases = options.gitBase ? [options.gitBase] : defaultBases;
  for (const base of bases) {
    const added = addedSince(projectRoot, base);
    if (added === null) {
      if (options.gitBase) throw new Error(`--git-base ${options.gitBase}: not a git repository or unknown ref`);
      continue;
    }
    const oldest = files.findIndex((file) => added.has(file));
    if (oldest !== -1) return { latest: files.length - oldest, because: `${added.size} file(s) new since ${base}` };
    if (options.gitBase) return { latest: 0, because: `no migration added since ${base}` };
  }
  return { latest: 1, because: 'no new migration files found: the newest one' };
}

/** Migration files added (committed or not) since `base`, or null without git or that ref. */
function addedSince(projectRoot: string, base: string): Set<string> | null {
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', projectRoot, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    git('rev-parse', '--verify', '--quiet', `${base}^{commit}`);
    const changed = git('diff', '--name-only', '--diff-filter=AR', base, '--', 'migrations');
    const untracked = git('ls-files', '--others', '--exclude-standard', '--', 'migrations');
    const names = `${changed}\n${untracked}`.split('\n').filter((line) => line.endsWith('.sql'));
    return new Set(names.map((line) => path.basename(line)));
  } catch {
    return null;
  }
}
