import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { locateAtlas } from '../../src/atlas/locate.mjs';
import { repoRoot } from '../../src/project/paths.mjs';

/**
 * Another checkout's node_modules/.bin on PATH, reached through a symlink, holds a bookshelf `atlas` launcher, not a
 * user's Atlas. Asking it `atlas version` made it search PATH in turn and start this one: launchers starting each
 * other without end (seen with a copy of the project whose node_modules was a symlink). It is passed over unasked.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'bookshelf-launcher-on-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a bookshelf atlas launcher on PATH (through a symlink) is neither run nor taken for the user’s Atlas', () => {
  symlinkSync(path.join(repoRoot, 'src', 'atlas', 'atlas.mjs'), path.join(dir, 'atlas'));
  const found = locateAtlas({ PATH: dir });
  expect(found.passedOver).toEqual([]);
  expect(found.path === null || found.source !== 'PATH').toBe(true);
});
