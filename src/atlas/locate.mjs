// Finds the Atlas CLI that bookshelf runs, in this order:
// 1. ATLAS_BIN, when set (it must run and report v0.14.1 or newer);
// 2. an `atlas` on PATH reporting v0.14.1 or newer (official installs are
//    v1.x) or our own patched build: the user's own Atlas is used as it is;
// 3. the build that build.mjs made into .atlas/ (v0.13.1 patched for
//    Postgres 16+, see library-patches.mjs).
// Plain JavaScript, so that the `atlas` bin works before anything is
// compiled. Nothing here writes: a binary is never replaced or removed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../project/paths.mjs';
import { patchLabel } from './library-patches.mjs';
import { minimumVersion, opensPostgres16, parseVersion } from './version.mjs';

export const goModDir = path.join(repoRoot, 'src', 'atlas');

const goMod = () => readFileSync(path.join(goModDir, 'go.mod'), 'utf8');

/** The CLI release pinned in go.mod (one place to change it). */
export const cliVersion = (() => {
  const match = /^\s*ariga\.io\/atlas\/cmd\/atlas\s+(v\S+)/m.exec(goMod());
  if (!match) throw new Error('src/atlas/go.mod does not require ariga.io/atlas/cmd/atlas');
  return match[1];
})();

/** What our build reports: the pinned release and the patch, e.g. v0.13.1+pg16.fastinspect. */
export const pinnedVersion = `${cliVersion}+${patchLabel}`;

/**
 * Our build's file: its name carries a digest of everything the build reads
 * (go.mod, go.sum, the patch), so a changed pin or patch builds anew and an
 * unchanged one is reused.
 */
export const builtBinary = (() => {
  const digest = createHash('sha256');
  for (const file of ['go.mod', 'go.sum', 'library-patches.mjs']) digest.update(readFileSync(path.join(goModDir, file)));
  return path.join(repoRoot, '.atlas', `atlas-${pinnedVersion}-${digest.digest('hex').slice(0, 10)}`);
})();

/** Atlas otherwise calls home, with no timeout, on every run, and prints upgrade notices. */
export const atlasEnv = { ATLAS_NO_UPDATE_NOTIFIER: '1', ATLAS_NO_UPGRADE_SUGGESTIONS: '1' };

const versions = new Map();

/** The version an atlas binary reports, or null when it does not run or says nothing readable. */
export function versionOf(binary) {
  let key;
  try {
    key = `${binary}:${statSync(binary).mtimeMs}`;
  } catch {
    return null;
  }
  if (!versions.has(key)) {
    const run = spawnSync(binary, ['version'], { env: { ...process.env, ...atlasEnv }, encoding: 'utf8', timeout: 15_000 });
    versions.set(key, run.status === 0 ? parseVersion(run.stdout) : null);
  }
  return versions.get(key);
}

/**
 * Whether `candidate` is a bookshelf `atlas` launcher (this file's atlas.mjs, of this checkout or another, however
 * reached: node_modules/.bin, a symlink, a copy's bin on PATH). Running one to ask its version would make it search
 * PATH in turn and find the other: launchers starting each other without end.
 */
function isLauncher(candidate) {
  try {
    const real = realpathSync(candidate);
    return path.basename(real) === 'atlas.mjs' && existsSync(path.join(path.dirname(real), 'locate.mjs'));
  } catch {
    return false;
  }
}

/** Every `atlas` on PATH, skipping bookshelf's own launchers (ours and any other checkout's). */
function atlasesOnPath(env) {
  const found = [];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'atlas');
    if (existsSync(candidate) && !found.includes(candidate) && !isLauncher(candidate)) found.push(candidate);
  }
  return found;
}

const needs = `bookshelf needs Atlas ${minimumVersion} or newer (older releases cannot read Postgres 16+)`;

/**
 * @typedef {{ path: string, version: string, source: 'ATLAS_BIN' | 'PATH' | 'built' }} Found
 * @typedef {{ path: null, problem: string, missing: boolean }} NotFound
 * @returns {(Found | NotFound) & { passedOver: string[] }} which Atlas runs, and
 *   each `atlas` on PATH that was passed over, with why.
 */
export function locateAtlas(env = process.env) {
  const passedOver = [];
  if (env.ATLAS_BIN) {
    const version = versionOf(env.ATLAS_BIN);
    if (version && opensPostgres16(version)) return { path: env.ATLAS_BIN, version, source: 'ATLAS_BIN', passedOver };
    const problem = !existsSync(env.ATLAS_BIN)
      ? `ATLAS_BIN=${env.ATLAS_BIN}: no such file.`
      : version
        ? `ATLAS_BIN=${env.ATLAS_BIN} reports ${version}; ${needs}.`
        : `ATLAS_BIN=${env.ATLAS_BIN}: \`atlas version\` did not print a version bookshelf can read.`;
    return {
      path: null,
      problem: `${problem} Point ATLAS_BIN at another Atlas, or unset it to use bookshelf's own build.`,
      missing: false,
      passedOver,
    };
  }
  for (const candidate of atlasesOnPath(env)) {
    const version = versionOf(candidate);
    if (version && opensPostgres16(version)) return { path: candidate, version, source: 'PATH', passedOver };
    passedOver.push(
      version ? `${candidate} reports ${version}; ${needs}` : `${candidate}: \`atlas version\` did not print a version bookshelf can read`,
    );
  }
  if (existsSync(builtBinary)) {
    const version = versionOf(builtBinary);
    if (version) return { path: builtBinary, version, source: 'built', passedOver };
    return {
      path: null,
      problem: `${path.relative(repoRoot, builtBinary)} does not run (\`atlas version\` failed). It is left as it is: delete it, then run \`npm run atlas:build\`.`,
      missing: false,
      passedOver,
    };
  }
  return { path: null, problem: missingAtlasMessage(), missing: true, passedOver };
}

export function missingAtlasMessage() {
  return [
    `Atlas is not installed.`,
    `bookshelf builds Atlas ${pinnedVersion} from the Go module proxy when you run \`npm install\`; that needs Go 1.24 or newer (https://go.dev/dl/).`,
    `With Go installed, run \`npm run atlas:build\`. Or install Atlas ${minimumVersion} or newer (https://atlasgo.io/docs#installation) on your PATH, or set ATLAS_BIN to it.`,
  ].join('\n');
}
