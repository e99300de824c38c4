import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtBinary, pinnedVersion, repoRoot } from '../src/atlas/locate.mjs';

/**
 * How users reach Atlas: the binary `npm install` built, an `atlas` on PATH at
 * the pinned version, or a plain message saying how to get it.
 */
const node = process.execPath;
const scratch = mkdtempSync(path.join(tmpdir(), 'bookshelf-atlas-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of src/atlas in a project with nothing built. */
function bareProject(name: string): string {
  const root = path.join(scratch, name);
  mkdirSync(path.join(root, 'src'), { recursive: true });
  cpSync(path.join(repoRoot, 'src', 'atlas'), path.join(root, 'src', 'atlas'), { recursive: true });
  return root;
}

function run(args: string[], cwd: string, PATH: string) {
  return spawnSync(node, args, { cwd, encoding: 'utf8', env: { ...process.env, PATH } });
}

describe('the pinned Atlas', () => {
  it('is the version src/atlas/go.mod pins', () => {
    expect(pinnedVersion).toBe('v0.13.1');
    expect(builtBinary).toBe(path.join(repoRoot, '.atlas', 'atlas-v0.13.1'));
  });

  it('`npx atlas version` runs the built binary', () => {
    const result = spawnSync('npx', ['atlas', 'version'], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`atlas version ${pinnedVersion}`);
  });

  it('the build is skipped when the pinned binary is there', () => {
    const result = spawnSync(node, ['src/atlas/build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Atlas ${pinnedVersion} is ready`);
  });

  it('an atlas on PATH at the pinned version is used when nothing was built', () => {
    const root = bareProject('on-path');
    const bin = path.join(scratch, 'bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(builtBinary, path.join(bin, 'atlas'));
    const PATH = `${bin}:${path.dirname(node)}`;
    const version = run([path.join(root, 'src', 'atlas', 'atlas.mjs'), 'version'], root, PATH);
    expect(version.status).toBe(0);
    expect(version.stdout).toContain(`atlas version ${pinnedVersion}`);
    const build = run([path.join(root, 'src', 'atlas', 'build.mjs')], root, PATH);
    expect(build.status).toBe(0);
    expect(build.stdout).toMatch(new RegExp(`Atlas ${pinnedVersion} is ready: .*bin/atlas\n`));
  });

  it('without Go and without atlas, install succeeds and `atlas` says how to get it', () => {
    const root = bareProject('nothing');
    const PATH = path.dirname(node); // node only: no go, no atlas
    const build = run([path.join(root, 'src', 'atlas', 'build.mjs')], root, PATH);
    expect(build.status).toBe(0);
    expect(build.stderr).toContain('Go was not found, so Atlas was not built');
    const atlas = run([path.join(root, 'src', 'atlas', 'atlas.mjs'), 'version'], root, PATH);
    expect(atlas.status).toBe(127);
    expect(atlas.stderr).toContain(`Atlas ${pinnedVersion} is not installed`);
    expect(atlas.stderr).toContain('npm run atlas:build');
  });
});
