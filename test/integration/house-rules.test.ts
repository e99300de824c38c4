import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { runToEnd } from '../support/process.ts';

/**
 * The house rules (docs/architecture.md), enforced by the field's tools in every run, CI included:
 * each layer imports only those below it (dependency-cruiser), ESLint with typescript-eslint,
 * Prettier's formatting, and no unused file, export or dependency (knip).
 */
const bin = (name: string) => `${repoRoot}/node_modules/.bin/${name}`;
const tools: [string, string, string[]][] = [
  ['dependency-cruiser: no upward import between layers, no cycle', 'depcruise', ['src', 'test', '--config', '.dependency-cruiser.cjs']],
  ['ESLint (typescript-eslint) reports nothing', 'eslint', ['.']],
  ['Prettier: every file formatted', 'prettier', ['--check', '.']],
  ['knip: no unused file, export or dependency', 'knip', []],
];

describe('house rules', () => {
  for (const [name, tool, args] of tools) {
    it(
      name,
      async () => {
        const run = await runToEnd(bin(tool), args, { cwd: repoRoot });
        expect(run.code, run.output).toBe(0);
      },
      300_000,
    );
  }
});
