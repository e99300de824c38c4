// Finds the Atlas CLI that bookshelf pins in go.mod beside this file:
// the binary build.mjs built into .atlas/, or an `atlas` on PATH that
// reports the same version. Plain JavaScript, so that the `atlas` bin
// works before anything is compiled.
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout this code runs from: the nearest directory above with src/atlas/go.mod (also from a bundle in dist/). */
function findRepoRoot(start) {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'src', 'atlas', 'go.mod'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no src/atlas/go.mod above ${start}`);
  }
}

export const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
export const goModDir = path.join(repoRoot, 'src', 'atlas');

/** The pinned release, read from go.mod so that there is one place to change it. */
export const pinnedVersion = (() => {
  const goMod = readFileSync(path.join(goModDir, 'go.mod'), 'utf8');
  const match = /^\s*ariga\.io\/atlas\/cmd\/atlas\s+(v\S+)/m.exec(goMod);
  if (!match) throw new Error(`src/atlas/go.mod does not require ariga.io/atlas/cmd/atlas`);
  return match[1];
})();

export const builtBinary = path.join(repoRoot, '.atlas', `atlas-${pinnedVersion}`);

/** Atlas otherwise calls home, with no timeout, on every run. */
export const atlasEnv = { ATLAS_NO_UPDATE_NOTIFIER: '1', ATLAS_NO_UPGRADE_SUGGESTIONS: '1' };

/** The version an atlas binary reports, or null when it does not run. */
export function versionOf(binary) {
  const run = spawnSync(binary, ['version'], {
    env: { ...process.env, ...atlasEnv },
    encoding: 'utf8',
    timeout: 15_000,
  });
  if (run.status !== 0) return null;
  return /atlas version (v\S+)/.exec(run.stdout)?.[1] ?? null;
}

function isPinned(version) {
  return version === pinnedVersion || (version ?? '').startsWith(`${pinnedVersion}-`);
}

/** An `atlas` on PATH, skipping our own node_modules/.bin wrapper. */
function atlasOnPath() {
  const ourBin = path.join(repoRoot, 'node_modules', '.bin');
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir || path.resolve(dir) === ourBin) continue;
    const candidate = path.join(dir, 'atlas');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** The path of the pinned Atlas binary, or null when there is none. */
export function findAtlas() {
  if (existsSync(builtBinary)) return builtBinary;
  const onPath = atlasOnPath();
  if (onPath && isPinned(versionOf(onPath))) return onPath;
  return null;
}

export function missingAtlasMessage() {
  return [
    `Atlas ${pinnedVersion} is not installed.`,
    `bookshelf builds it from the Go module proxy when you run \`npm install\`; that needs Go 1.24 or newer (https://go.dev/dl/).`,
    `With Go installed, run \`npm run atlas:build\`. Or put an atlas binary reporting ${pinnedVersion} on your PATH.`,
  ].join('\n');
}
