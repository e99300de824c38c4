import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { parseEnv } from '../../src/config/env.ts';

/**
 * HEAP_GROWTH_PERCENT (src/config/heap.ts) bounds how much promoted garbage
 * the old generation holds before a full GC. Measured from V8's own GC trace
 * of a process that churns promoted garbage over a fixed live set: each full
 * GC starts when the heap has grown to some multiple of what the previous one
 * left alive. (The young generation is kept at 1 MB so that it does not blur
 * the multiple.)
 */
const run = promisify(execFile);

async function growthBetweenFullGcs(percent: number, nodeFlags: string[] = []): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    [
      ...nodeFlags,
      '--max-semi-space-size=1',
      '--trace-gc',
      '--import',
      'tsx',
      path.join('test', 'support', 'heap-churn.ts'),
      String(percent),
    ],
    { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
  );
  expect(stdout).toContain('done 500 100000');
  const fullGcs = [...stdout.matchAll(/Mark-Compact ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/g)].map((m) => ({
    before: Number(m[1]),
    after: Number(m[2]),
  }));
  // The first two full GCs run while the live set is still being built.
  const steady = fullGcs.slice(2);
  expect(steady.length).toBeGreaterThanOrEqual(3);
  return Math.max(...steady.slice(1).map((gc, i) => gc.before / steady[i]!.after));
}

describe('heap growth between full GCs', () => {
  it('defaults to 50% (a full GC at 1.5× the live heap)', () => {
    expect(parseEnv({}).HEAP_GROWTH_PERCENT).toBe(50);
  });

  it('rejects a value that is not a whole percentage', () => {
    expect(() => parseEnv({ HEAP_GROWTH_PERCENT: 'lots' })).toThrow(/HEAP_GROWTH_PERCENT: /);
    expect(() => parseEnv({ HEAP_GROWTH_PERCENT: '-10' })).toThrow(/HEAP_GROWTH_PERCENT: /);
  });

  it('keeps the old generation within the configured multiple of the live heap; 0 leaves V8 at up to 4×', async () => {
    const [limited, unlimited] = await Promise.all([growthBetweenFullGcs(150), growthBetweenFullGcs(0)]);
    expect(limited).toBeGreaterThan(1.5);
    expect(limited).toBeLessThan(2.5 * 1.1);
    // Without the limit the same process lets garbage grow much further: the
    // scenario does tell the two apart.
    expect(unlimited).toBeGreaterThan(3.5);
  });

  it('leaves a --heap-growing-percent given to node alone', async () => {
    const growth = await growthBetweenFullGcs(50, ['--heap-growing-percent=200']);
    expect(growth).toBeGreaterThan(2.6);
    expect(growth).toBeLessThan(3 * 1.1);
  });
});

/**
 * V8's own pretenuring decisions in a process that would make them
 * (test/support/pretenure-churn.ts), run from an esbuild bundle by plain node:
 * tsx would compile modules (and make its own decisions) before the call.
 * Each young GC that finds allocation feedback prints one line per site (the
 * churn has two sites); how many young GCs run before V8 settles on a decision
 * depends on timing: 2 to 12 lines in 12 runs on an idle machine, and 2 in a
 * CI run. With pretenuring off V8 keeps no feedback at all: no line.
 */
async function pretenuringDecisions(bundle: string, mode: 'stop' | 'default', nodeFlags: string[] = []): Promise<number> {
  const { stdout } = await run(process.execPath, [...nodeFlags, '--trace-pretenuring-statistics', bundle, mode], {
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(stdout).toContain('done 100000');
  return [...stdout.matchAll(/pretenuring: AllocationSite/g)].length;
}

describe('allocation-site pretenuring', () => {
  let dir: string;
  let bundle: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bookshelf-pretenure-'));
    bundle = path.join(dir, 'pretenure-churn.mjs');
    await build({
      entryPoints: [path.join(repoRoot, 'test', 'support', 'pretenure-churn.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: bundle,
      logLevel: 'warning',
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is off in the server: V8 makes no pretenuring decision, where by default it makes some', async () => {
    const [stopped, byDefault] = await Promise.all([pretenuringDecisions(bundle, 'stop'), pretenuringDecisions(bundle, 'default')]);
    expect(stopped).toBe(0);
    expect(byDefault).toBeGreaterThan(0);
  });

  it('leaves an --allocation-site-pretenuring given to node alone', async () => {
    expect(await pretenuringDecisions(bundle, 'stop', ['--allocation-site-pretenuring'])).toBeGreaterThan(0);
  });
});
