import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Programs a few suites need that `npm ci` cannot install: PgBouncer (the
 * stand-in for Neon's pooled endpoint) and a Chromium (the /docs browser
 * test). A developer without them gets a skip that says what to install;
 * CI (which installs both, see .ci/run) gets a failure, so nothing is
 * silently left out there.
 */
export interface OptionalProgram {
  /** What the messages call it. */
  name: string;
  /** An environment variable naming the executable; when set, it is the only candidate. */
  envVariable?: string;
  /** Names looked up on PATH, in order. */
  commands: string[];
  /** The command that installs it (Debian/Ubuntu). */
  install: string;
}

export const PGBOUNCER: OptionalProgram = {
  name: 'PgBouncer',
  commands: ['pgbouncer'],
  install: 'sudo apt-get install pgbouncer',
};

export const CHROMIUM: OptionalProgram = {
  name: 'Chromium',
  envVariable: 'CHROME_PATH',
  commands: ['chromium', 'chromium-browser', 'google-chrome'],
  install: 'sudo apt-get install chromium',
};

/** Every skip line starts with this, so the summary reporter can find them in the output. */
export const SKIP_MARKER = 'skipped:';

/** A regular, non-empty file we may execute (an empty file bound over a binary does not count). */
function isExecutable(file: string): boolean {
  try {
    const stat = statSync(file);
    if (!stat.isFile() || stat.size === 0) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The executable's absolute path, or undefined when it is missing or not executable. */
export function findProgram(program: OptionalProgram, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = program.envVariable ? env[program.envVariable] : undefined;
  if (explicit) return isExecutable(explicit) ? path.resolve(explicit) : undefined;
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const command of program.commands) {
    for (const dir of dirs) {
      const candidate = path.resolve(dir, command);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** CI=true (or any value but empty, 0 or false), as CI services and .ci/run set it. */
function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env.CI ?? '').trim().toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
}

/** One line: which program is missing, where it was looked for, and the command that installs it. */
export function missingProgramMessage(program: OptionalProgram, env: NodeJS.ProcessEnv = process.env): string {
  const explicit = program.envVariable ? env[program.envVariable] : undefined;
  const where = explicit
    ? `${program.envVariable}=${explicit} is not an executable file`
    : program.commands.length === 1
      ? `no executable ${program.commands[0]} on PATH`
      : `none of ${program.commands.join(', ')} is an executable on PATH`;
  return `${program.name} is missing (${where}); install it: ${program.install}`;
}

export type OptionalProgramDecision =
  /** Found: run the suite with this executable. */
  | { path: string; skip?: undefined }
  /** Missing: skip the suite; `skip` is the one line that says why and what to install. */
  | { path?: undefined; skip: string };

/**
 * Decides whether a suite that needs `program` runs or skips. Missing under CI
 * throws (the suite fails with the same message), never skips.
 */
export function decideOptionalProgram(program: OptionalProgram, env: NodeJS.ProcessEnv = process.env): OptionalProgramDecision {
  const found = findProgram(program, env);
  if (found) return { path: found };
  const text = missingProgramMessage(program, env);
  if (isCi(env)) throw new Error(`${text} (CI=${env.CI}: a missing test program fails the run, it is not skipped)`);
  return { skip: `${SKIP_MARKER} ${text}` };
}

/**
 * For a test file: the program's path, or undefined after printing the skip
 * line (the file then skips its tests with `describe.skipIf(!path)`; the
 * summary reporter repeats the line at the end of the run). Throws under CI.
 */
export function requireOptionalProgram(program: OptionalProgram): string | undefined {
  const decision = decideOptionalProgram(program);
  if (decision.skip) console.warn(decision.skip);
  return decision.path;
}
