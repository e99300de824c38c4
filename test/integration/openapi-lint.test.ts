import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, startAppOnNewDatabase, type TestApp } from '../support/app.ts';

/**
 * The served /openapi.json is lint-clean under Redocly CLI's `recommended`
 * rules and Spectral's `spectral:oas`, with the committed configs
 * (redocly.yaml, .spectral.yaml: each rule switched off there says why).
 */
const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

let app: TestApp;
let dir: string;
let file: string;

beforeAll(async () => {
  app = await startAppOnNewDatabase({ seeded: false });
  dir = await mkdtemp(path.join(tmpdir(), 'bookshelf-openapi-'));
  file = path.join(dir, 'openapi.json');
  await writeFile(file, JSON.stringify((await call(app, 'GET', '/openapi.json')).body, null, 2));
});
afterAll(async () => {
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs a linter; its output is the failure message when it reports anything. */
async function lint(command: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(command, args, {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, output: stdout + stderr };
  }
}

it('Redocly CLI (recommended, redocly.yaml): 0 errors, 0 warnings', async () => {
  const { code, output } = await lint(bin('redocly'), [
    'lint',
    '--config',
    path.join(root, 'redocly.yaml'),
    '--max-problems',
    '1000',
    file,
  ]);
  expect(output).toContain('Woohoo! Your API description is valid.');
  expect(output).not.toMatch(/warning/i);
  expect(code, output).toBe(0);
});

it('Spectral (spectral:oas, .spectral.yaml): no finding of any severity', async () => {
  const { code, output } = await lint(bin('spectral'), [
    'lint',
    '--ruleset',
    path.join(root, '.spectral.yaml'),
    '--fail-severity',
    'hint',
    '--format',
    'json',
    file,
  ]);
  expect(JSON.parse(output.slice(output.indexOf('['), output.lastIndexOf(']') + 1))).toEqual([]);
  expect(code, output).toBe(0);
});
