// Builds the Atlas CLI pinned in go.mod into .atlas/ (git-ignored), once.
// Runs on `npm install` (postinstall) and as `npm run atlas:build`.
// Never fails an install for lack of Go: it says how to get Atlas instead.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { atlasEnv, builtBinary, findAtlas, goModDir, missingAtlasMessage, pinnedVersion, versionOf } from './locate.mjs';

const log = (line) => console.log(`[atlas] ${line}`);

function main() {
  if (process.env.BOOKSHELF_SKIP_ATLAS_BUILD === '1') return log('BOOKSHELF_SKIP_ATLAS_BUILD=1: not building Atlas.');
  const found = findAtlas();
  if (found && versionOf(found) !== null) return log(`Atlas ${pinnedVersion} is ready: ${path.relative(process.cwd(), found) || found}`);

  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) {
    console.warn(`[atlas] Go was not found, so Atlas was not built.\n${missingAtlasMessage()}`);
    return;
  }
  build(go.stdout.trim());
}

function build(goVersion) {
  mkdirSync(path.dirname(builtBinary), { recursive: true });
  const partial = `${builtBinary}.partial`;
  const ldflags = `-s -w -X ariga.io/atlas/cmd/atlas/internal/cmdapi.version=${pinnedVersion}`;
  log(`building Atlas ${pinnedVersion} with ${goVersion} (first time: a few minutes; later installs reuse it)`);
  const started = Date.now();
  const child = spawn('go', ['build', '-trimpath', '-o', partial, '-ldflags', ldflags, 'ariga.io/atlas/cmd/atlas'], {
    cwd: goModDir,
    env: { ...process.env, ...atlasEnv, GOFLAGS: '-mod=readonly' },
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
    log(`built ${path.relative(process.cwd(), builtBinary)} in ${Math.round((Date.now() - started) / 1000)}s: ${versionOf(builtBinary)}`);
  });
}

main();
