// Builds the Atlas CLI pinned in go.mod, patched for Postgres 16+
// (library-patches.mjs), into .atlas/ (git-ignored), once.
// Runs on `npm install` (postinstall) and as `npm run atlas:build`.
// Never fails an install for lack of Go, and never builds when the user has
// an Atlas of their own that bookshelf can use (see locate.mjs).
//
// Offline and reproducible: the library comes from the Go module proxy (or
// the module cache) at the version go.mod pins, is checked against the hash
// in go.sum, copied to .atlas/lib/atlas, patched there, and the CLI is built
// against that copy through go.mod's `replace` (Go's -overlay refuses files
// under the module cache). CGO is off: Atlas's SQLite driver is not needed
// for Postgres, and no C compiler is.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyEdits, edits, patchLabel } from './library-patches.mjs';
import { atlasEnv, builtBinary, goModDir, locateAtlas, missingAtlasMessage, pinnedVersion, versionOf } from './locate.mjs';
import { repoRoot } from '../project/paths.mjs';

const log = (line) => console.log(`[atlas] ${line}`);
const libraryCopy = path.join(repoRoot, '.atlas', 'lib', 'atlas');
const relative = (file) => path.relative(process.cwd(), file) || file;

function main() {
  if (process.env.BOOKSHELF_SKIP_ATLAS_BUILD === '1') return log('BOOKSHELF_SKIP_ATLAS_BUILD=1: not building Atlas.');
  const found = locateAtlas();
  for (const line of found.passedOver) log(`not using ${line}`);
  if (found.source === 'built') return log(`Atlas ${found.version} is ready: ${relative(found.path)}`);
  if (found.path)
    return log(
      `using your Atlas ${found.version} (${found.source === 'PATH' ? found.path : `ATLAS_BIN=${found.path}`}); not building one.`,
    );
  if (!found.missing) return console.warn(`[atlas] ${found.problem}`);

  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) {
    console.warn(`[atlas] Go was not found, so Atlas was not built.\n${missingAtlasMessage()}`);
    return;
  }
  try {
    preparePatchedLibrary();
  } catch (error) {
    console.error(`[atlas] ${error.message}\n${missingAtlasMessage()}`);
    process.exit(1);
  }
  build(go.stdout.trim());
}

/** The library module as go.mod pins it, verified against go.sum, copied and patched. */
function preparePatchedLibrary() {
  const version = /^\s*ariga\.io\/atlas\s+(v\S+)/m.exec(readFileSync(path.join(goModDir, 'go.mod'), 'utf8'))?.[1];
  const download = spawnSync('go', ['mod', 'download', '-json', `ariga.io/atlas@${version}`], {
    cwd: tmpdir(), // outside any module, so go.mod's replace does not apply
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '' },
  });
  const info = JSON.parse(download.stdout || '{}');
  if (download.status !== 0 || !info.Dir)
    throw new Error(`go mod download ariga.io/atlas@${version} failed: ${info.Error ?? download.stderr.trim()}`);
  const pinnedSum = new RegExp(`^ariga\\.io/atlas ${version.replace(/\./g, '\\.')} (h1:\\S+)$`, 'm').exec(
    readFileSync(path.join(goModDir, 'go.sum'), 'utf8'),
  )?.[1];
  if (info.Sum !== pinnedSum) throw new Error(`ariga.io/atlas@${version}: hash ${info.Sum} does not match go.sum (${pinnedSum})`);

  rmSync(libraryCopy, { recursive: true, force: true });
  cpSync(info.Dir, libraryCopy, { recursive: true });
  makeWritable(libraryCopy); // the module cache is read-only
  const patched = applyEdits((file) => readFileSync(path.join(libraryCopy, file), 'utf8'));
  for (const [file, text] of patched) writeFileSync(path.join(libraryCopy, file), text);
  log(`patched ariga.io/atlas ${version} (${info.Sum}) (${patchLabel}): ${edits.length} edits in ${[...patched.keys()].join(', ')}`);
}

function makeWritable(dir) {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir)) {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) makeWritable(file);
    else chmodSync(file, 0o644);
  }
}

function build(goVersion) {
  mkdirSync(path.dirname(builtBinary), { recursive: true });
  const partial = `${builtBinary}.partial`;
  const ldflags = `-s -w -X ariga.io/atlas/cmd/atlas/internal/cmdapi.version=${pinnedVersion}`;
  log(`building Atlas ${pinnedVersion} with ${goVersion} (first time: a few minutes; later installs reuse it)`);
  const started = Date.now();
  const child = spawn('go', ['build', '-trimpath', '-buildvcs=false', '-o', partial, '-ldflags', ldflags, 'ariga.io/atlas/cmd/atlas'], {
    cwd: goModDir,
    env: { ...process.env, ...atlasEnv, GOFLAGS: '-mod=readonly', CGO_ENABLED: '0' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const ticker = setInterval(() => log(`still building… ${Math.round((Date.now() - started) / 1000)}s`), 20_000);
  child.on('exit', (code) => {
    clearInterval(ticker);
    if (code !== 0) {
      rmSync(partial, { force: true });
      console.error(`[atlas] go build failed (exit ${code}); see the error above.\n${missingAtlasMessage()}`);
      process.exit(1);
    }
    renameSync(partial, builtBinary);
    removeOlderBuilds();
    log(`built ${relative(builtBinary)} in ${Math.round((Date.now() - started) / 1000)}s: ${versionOf(builtBinary)} (patch ${patchLabel})`);
  });
}

/** Our earlier builds (other pins or patches) in .atlas/; nothing else there is touched. */
function removeOlderBuilds() {
  const dir = path.dirname(builtBinary);
  for (const entry of readdirSync(dir)) {
    if (/^atlas-v\d/.test(entry) && path.join(dir, entry) !== builtBinary) rmSync(path.join(dir, entry), { force: true });
  }
}

main();
