import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { CHROMIUM, decideOptionalProgram, findProgram, PGBOUNCER } from '../support/optional-program.ts';
import { runToEnd } from '../support/process.ts';

/**
 * The optional test programs (PgBouncer, Chromium): found when executable,
 * missing when absent, not executable or empty (an empty file bound over the
 * binary); missing skips with one line saying what to install, and under CI
 * fails. The last part runs vitest itself on the suites that need them.
 */
let dir: string;
/** A directory with a non-executable `pgbouncer` and `chromium`, and empty executable `chromium-browser`. */
let broken: string;
/** A directory with real (tiny) executables of every name. */
let working: string;

function put(folder: string, name: string, text: string, mode: number): string {
  const file = path.join(folder, name);
  writeFileSync(file, text);
  chmodSync(file, mode);
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bookshelf-optional-'));
  broken = path.join(dir, 'broken');
  working = path.join(dir, 'working');
  for (const folder of [broken, working]) mkdirSync(folder);
  put(broken, 'pgbouncer', '#!/bin/sh\n', 0o644);
  put(broken, 'chromium', '#!/bin/sh\n', 0o644);
  put(broken, 'chromium-browser', '', 0o755);
  for (const name of ['pgbouncer', 'chromium', 'chromium-browser', 'google-chrome']) put(working, name, '#!/bin/sh\n', 0o755);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('findProgram', () => {
  it('finds an executable on PATH, in PATH order', () => {
    expect(findProgram(PGBOUNCER, { PATH: [broken, working].join(path.delimiter) })).toBe(path.join(working, 'pgbouncer'));
  });

  it('treats a file that is not executable, or is empty, as missing', () => {
    expect(findProgram(PGBOUNCER, { PATH: broken })).toBeUndefined();
    expect(findProgram(CHROMIUM, { PATH: broken })).toBeUndefined();
    expect(findProgram(PGBOUNCER, { PATH: '' })).toBeUndefined();
  });

  it('looks for chromium, chromium-browser, google-chrome in that order', () => {
    const only = mkdtempSync(path.join(dir, 'chrome-'));
    put(only, 'google-chrome', '#!/bin/sh\n', 0o755);
    expect(findProgram(CHROMIUM, { PATH: [broken, only].join(path.delimiter) })).toBe(path.join(only, 'google-chrome'));
    expect(findProgram(CHROMIUM, { PATH: [only, working].join(path.delimiter) })).toBe(path.join(working, 'chromium'));
  });

  it('takes CHROME_PATH first, and only it when set', () => {
    const chrome = put(dir, 'my-chrome', '#!/bin/sh\n', 0o755);
    expect(findProgram(CHROMIUM, { CHROME_PATH: chrome, PATH: working })).toBe(chrome);
    expect(findProgram(CHROMIUM, { CHROME_PATH: path.join(broken, 'chromium'), PATH: working })).toBeUndefined();
  });
});

describe('decideOptionalProgram', () => {
  it('runs with the path it found', () => {
    expect(decideOptionalProgram(PGBOUNCER, { PATH: working })).toEqual({ path: path.join(working, 'pgbouncer') });
    expect(decideOptionalProgram(PGBOUNCER, { PATH: working, CI: 'true' })).toEqual({ path: path.join(working, 'pgbouncer') });
  });

  it('skips a missing program with one line naming it and the command that installs it', () => {
    const pgbouncer = decideOptionalProgram(PGBOUNCER, { PATH: broken });
    expect(pgbouncer.path).toBeUndefined();
    expect(pgbouncer.skip).toBe(
      'skipped: PgBouncer is missing (no executable pgbouncer on PATH); install it: sudo apt-get install pgbouncer',
    );
    const chromium = decideOptionalProgram(CHROMIUM, { PATH: broken, CI: 'false' });
    expect(chromium.skip).toBe(
      'skipped: Chromium is missing (none of chromium, chromium-browser, google-chrome is an executable on PATH); install it: sudo apt-get install chromium',
    );
    const notExecutable = path.join(broken, 'chromium');
    expect(decideOptionalProgram(CHROMIUM, { CHROME_PATH: notExecutable, PATH: working }).skip).toBe(
      `skipped: Chromium is missing (CHROME_PATH=${notExecutable} is not an executable file); install it: sudo apt-get install chromium`,
    );
  });

  it('fails instead of skipping under CI', () => {
    expect(() => decideOptionalProgram(PGBOUNCER, { PATH: broken, CI: 'true' })).toThrow(
      'PgBouncer is missing (no executable pgbouncer on PATH); install it: sudo apt-get install pgbouncer (CI=true: a missing test program fails the run, it is not skipped)',
    );
    expect(() => decideOptionalProgram(CHROMIUM, { PATH: broken, CI: '1' })).toThrow(/^Chromium is missing .* \(CI=1: /);
  });
});

/**
 * The real thing: vitest on the suites that need the programs, with both
 * hidden (PATH without any directory that has a pgbouncer, but with a
 * non-executable one first, the `spawn pgbouncer EACCES` machine; CHROME_PATH
 * naming a file that is not executable).
 */
describe('vitest on the suites that need them, with both programs missing', () => {
  const suites = [
    'test/integration/neon-pooler.test.ts',
    'test/integration/neon-suspend-pooler.test.ts',
    'test/integration/docs-page.test.ts',
  ];

  function runVitest(extraEnv: Record<string, string>, results: string) {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('VITEST') && name !== 'FORCE_COLOR') env[name] = value;
    const withoutPgBouncer = (process.env.PATH ?? '').split(path.delimiter).filter((folder) => !findProgram(PGBOUNCER, { PATH: folder }));
    Object.assign(env, {
      PATH: [broken, ...withoutPgBouncer].join(path.delimiter),
      CHROME_PATH: path.join(broken, 'chromium'),
      NO_COLOR: '1',
      CI: '',
      ...extraEnv,
    });
    const vitest = path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');
    return runToEnd(process.execPath, [vitest, 'run', ...suites, `--outputFile.json=${results}`], { cwd: repoRoot, env });
  }

  it('skips them with the reason and the install command, in each file and in the closing summary; CI=true fails them', async () => {
    const [local, ci] = await Promise.all([
      runVitest({}, path.join(dir, 'local.json')),
      runVitest({ CI: 'true' }, path.join(dir, 'ci.json')),
    ]);
    const pgbouncerLine = 'PgBouncer is missing (no executable pgbouncer on PATH); install it: sudo apt-get install pgbouncer';
    const chromiumLine = `Chromium is missing (CHROME_PATH=${path.join(broken, 'chromium')} is not an executable file); install it: sudo apt-get install chromium`;

    expect(local.code, local.output).toBe(0);
    expect(local.output).toContain(`skipped: ${pgbouncerLine}`);
    expect(local.output).toContain(`skipped: ${chromiumLine}`);
    const summary = local.output.slice(local.output.lastIndexOf(' Skipped:'));
    expect(summary).toContain(`test/integration/neon-pooler.test.ts (4 tests): ${pgbouncerLine}`);
    expect(summary).toContain(`test/integration/neon-suspend-pooler.test.ts (2 tests): ${pgbouncerLine}`);
    expect(summary).toContain(`test/integration/docs-page.test.ts (6 tests): ${chromiumLine}`);
    expect(local.output).not.toMatch(/EACCES|ENOENT|no reason given/);

    expect(ci.code, ci.output).not.toBe(0);
    expect(ci.output).toContain(`${pgbouncerLine} (CI=true: a missing test program fails the run, it is not skipped)`);
    expect(ci.output).toContain(`${chromiumLine} (CI=true: a missing test program fails the run, it is not skipped)`);
    expect(ci.output).toMatch(/Test Files\s+3 failed/);
  }, 180_000);
});
