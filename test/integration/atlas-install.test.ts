import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { builtBinary, cliVersion, pinnedVersion } from '../../src/atlas/locate.mjs';
import { applyEdits, edits } from '../../src/atlas/library-patches.mjs';
import { atLeast, capabilities, opensPostgres16, parseVersion } from '../../src/atlas/version.mjs';

/**
 * How users reach Atlas: bookshelf's own build (v0.13.1 patched for
 * Postgres 16+), their own Atlas (v1.x on PATH or ATLAS_BIN, never
 * overwritten), or a plain message saying how to get one. Other people's
 * Atlas binaries are stand-ins here: shell scripts that print a version line
 * and record every call.
 */
const node = process.execPath;
const scratch = mkdtempSync(path.join(tmpdir(), 'bookshelf-atlas-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of src/atlas, with the plain-JavaScript layers below it it imports (project paths, .env), in a project with nothing built. */
function bareProject(name: string): string {
  const root = path.join(scratch, name);
  mkdirSync(path.join(root, 'src'), { recursive: true });
  for (const folder of ['atlas', 'project', 'config']) {
    cpSync(path.join(repoRoot, 'src', folder), path.join(root, 'src', folder), { recursive: true });
  }
  return root;
}

/** A fake `atlas` in a bin dir of its own: `version` prints `versionLine`; every call is appended to `calls`. */
function fakeAtlas(name: string, versionLine: string): { bin: string; file: string; calls: () => string[] } {
  const bin = path.join(scratch, `bin-${name}`);
  mkdirSync(bin, { recursive: true });
  const file = path.join(bin, 'atlas');
  const log = path.join(bin, 'calls.log');
  writeFileSync(
    file,
    `#!/bin/sh
echo "$*" >> '${log}'
if [ "$1" = version ]; then printf '%s\\n' '${versionLine}' 'https://example.invalid/release'; exit 0; fi
echo "fake atlas ran: $*"
`,
  );
  chmodSync(file, 0o755);
  return { bin, file, calls: () => (statSync(log, { throwIfNoEntry: false }) ? readFileSync(log, 'utf8').trim().split('\n') : []) };
}

const nodeOnly = path.dirname(node); // node, and no go or atlas (in a test machine's /usr/local/bin maybe: so nothing else)

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const clean = { ...process.env };
  delete clean.ATLAS_BIN;
  return spawnSync(node, args, { cwd, encoding: 'utf8', env: { ...clean, ...env } });
}

describe('versions', () => {
  it('reads both version formats, and nothing else', () => {
    expect(parseVersion('atlas version v0.13.1\nhttps://github.com/ariga/atlas/releases/tag/v0.13.1')).toBe('v0.13.1');
    expect(parseVersion('atlas version v0.13.1+pg16\n')).toBe('v0.13.1+pg16');
    expect(parseVersion('atlas community version v1.2.3\nhttps://github.com/ariga/atlas/releases/tag/v1.2.3')).toBe('v1.2.3');
    expect(parseVersion('atlas unofficial version v1.0.0-canary')).toBe('v1.0.0-canary');
    expect(parseVersion('Atlas CLI (development build)')).toBeNull();
    expect(parseVersion('')).toBeNull();
  });

  it('opens Postgres 16+ from v0.14.1 on, or as our patched build', () => {
    expect(opensPostgres16('v0.13.1')).toBe(false);
    expect(opensPostgres16('v0.14.0')).toBe(false);
    expect(opensPostgres16('v0.14.1')).toBe(true);
    expect(opensPostgres16('v1.2.3')).toBe(true);
    expect(opensPostgres16('v0.13.1+pg16')).toBe(true);
    expect(opensPostgres16('v0.13.1+pg16.fastinspect')).toBe(true);
    expect(atLeast('v0.9.0', 'v0.13.1')).toBe(false);
  });

  it('knows which lint analyzers each version has', () => {
    expect(capabilities('v0.13.1+pg16')).toEqual({ concurrentIndexAnalyzer: true, namingAnalyzer: true });
    expect(capabilities('v0.25.0')).toEqual({ concurrentIndexAnalyzer: false, namingAnalyzer: true });
    expect(capabilities('v1.2.3')).toEqual({ concurrentIndexAnalyzer: false, namingAnalyzer: false });
  });
});

describe("bookshelf's own build", () => {
  it('is the pinned CLI with the Postgres 16 patch, named by what it was built from', () => {
    expect(cliVersion).toBe('v0.13.1');
    expect(pinnedVersion).toBe('v0.13.1+pg16.fastinspect');
    expect(path.basename(builtBinary)).toMatch(/^atlas-v0\.13\.1\+pg16\.fastinspect-[0-9a-f]{10}$/);
  });

  it('`npx atlas version` runs it', () => {
    const result = spawnSync('npx', ['atlas', 'version'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${path.join(repoRoot, 'node_modules', '.bin')}:${nodeOnly}` },
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`atlas version ${pinnedVersion}`);
  });

  it('is not built again when it is there', () => {
    const result = run(['src/atlas/build.mjs'], repoRoot, { PATH: nodeOnly });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Atlas ${pinnedVersion} is ready`);
  });

  it('the patch stops the build when the library is not what it expects, instead of guessing', () => {
    expect(() => applyEdits(() => 'package postgres\n')).toThrow(/patch pg16\.fastinspect: sql\/postgres\/inspect\.go: expected 1 match/);
    const files = new Set(edits.map((edit) => edit.file));
    expect([...files].sort()).toEqual(['sql/postgres/driver.go', 'sql/postgres/inspect.go']);
  });

  it('without Go and without atlas, install succeeds and `atlas` says how to get it', () => {
    const root = bareProject('nothing');
    const build = run([path.join(root, 'src', 'atlas', 'build.mjs')], root, { PATH: nodeOnly });
    expect(build.status).toBe(0);
    expect(build.stderr).toContain('Go was not found, so Atlas was not built');
    const atlas = run([path.join(root, 'src', 'atlas', 'atlas.mjs'), 'version'], root, { PATH: nodeOnly });
    expect(atlas.status).toBe(127);
    expect(atlas.stderr).toContain('Atlas is not installed');
    expect(atlas.stderr).toContain('npm run atlas:build');
    expect(atlas.stderr).toContain('ATLAS_BIN');
  });
});

describe("the user's own Atlas", () => {
  it('a v1.x atlas on PATH is used, and the build leaves it alone and builds nothing', () => {
    const root = bareProject('v1-on-path');
    const fake = fakeAtlas('v1', 'atlas community version v1.2.3');
    const before = readFileSync(fake.file);
    const PATH = `${fake.bin}:${nodeOnly}`;
    const build = run([path.join(root, 'src', 'atlas', 'build.mjs')], root, { PATH });
    expect(build.status).toBe(0);
    expect(build.stdout).toContain(`using your Atlas v1.2.3 (${fake.file}); not building one.`);
    const status = run([path.join(root, 'src', 'atlas', 'atlas.mjs'), 'migrate', 'status', '--env', 'local'], root, { PATH });
    expect(status.stdout).toContain('fake atlas ran: migrate status --env local');
    expect(fake.calls()).toEqual(['version', 'version', 'migrate status --env local']); // install, then npx atlas
    expect(readFileSync(fake.file)).toEqual(before);
    expect(statSync(path.join(root, '.atlas'), { throwIfNoEntry: false })).toBeUndefined();
  });

  it('ATLAS_BIN wins over PATH', () => {
    const root = bareProject('atlas-bin');
    const onPath = fakeAtlas('path-v1', 'atlas community version v1.1.0');
    const chosen = fakeAtlas('chosen', 'atlas community version v1.2.3');
    const status = run([path.join(root, 'src', 'atlas', 'atlas.mjs'), 'migrate', 'status'], root, {
      PATH: `${onPath.bin}:${nodeOnly}`,
      ATLAS_BIN: chosen.file,
    });
    expect(status.stdout).toContain('fake atlas ran: migrate status');
    expect(chosen.calls()).toContain('migrate status');
    expect(onPath.calls()).toEqual([]);
  });

  it('an atlas whose version cannot be read, or too old for Postgres 16, is passed over (and never touched)', () => {
    const root = bareProject('unreadable');
    const unreadable = fakeAtlas('unreadable', 'Atlas CLI (development build)');
    const old = fakeAtlas('old', 'atlas version v0.12.0');
    const before = [readFileSync(unreadable.file), readFileSync(old.file)];
    const build = run([path.join(root, 'src', 'atlas', 'build.mjs')], root, { PATH: `${unreadable.bin}:${old.bin}:${nodeOnly}` });
    expect(build.status).toBe(0);
    expect(build.stdout).toContain(`not using ${unreadable.file}: \`atlas version\` did not print a version bookshelf can read`);
    expect(build.stdout).toContain(`not using ${old.file} reports v0.12.0; bookshelf needs Atlas v0.14.1 or newer`);
    expect(build.stderr).toContain('Go was not found'); // it would build its own (into .atlas/), not replace theirs
    expect([readFileSync(unreadable.file), readFileSync(old.file)]).toEqual(before);
    expect(unreadable.calls()).toEqual(['version']);
  });

  it('a broken ATLAS_BIN is an error that says what to do', () => {
    const root = bareProject('broken-bin');
    const status = run([path.join(root, 'src', 'atlas', 'atlas.mjs'), 'version'], root, {
      PATH: nodeOnly,
      ATLAS_BIN: '/nonexistent/atlas',
    });
    expect(status.status).toBe(127);
    expect(status.stderr).toContain('ATLAS_BIN=/nonexistent/atlas: no such file. Point ATLAS_BIN at another Atlas, or unset it');
  });
});
