import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, startAppOnNewDatabase, type TestApp } from '../support/app.ts';
import { redoclyLint, spectralLint } from '../support/openapi-lint.ts';

/**
 * The served /openapi.json is lint-clean under Redocly CLI's `recommended`
 * rules and Spectral's `spectral:oas`, with the committed configs
 * (redocly.yaml, .spectral.yaml: each rule switched off there says why).
 */
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

it('Redocly CLI (recommended, redocly.yaml): 0 errors, 0 warnings', async () => {
  const { code, output } = await redoclyLint(file);
  expect(output).toContain('Woohoo! Your API description is valid.');
  expect(output).not.toMatch(/warning/i);
  expect(code, output).toBe(0);
});

it('Spectral (spectral:oas, .spectral.yaml): no finding of any severity', async () => {
  const { code, output, findings } = await spectralLint(file);
  expect(findings).toEqual([]);
  expect(code, output).toBe(0);
});
