import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';

/**
 * With metrics off (no METRICS_PORT) prom-client is not loaded at all: it
 * held 1.2 MB of the server's heap for nothing. A module hook that refuses
 * to resolve prom-client shows whether loading the server needs it.
 */
const refusePromClient = `data:text/javascript,${encodeURIComponent(
  `export async function resolve(specifier, context, next) {
     if (specifier === 'prom-client') throw new Error('prom-client was loaded');
     return next(specifier, context);
   }`,
)}`;
const registerHook = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module'; register(${JSON.stringify(refusePromClient)});`,
)}`;

function load(code: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--import', registerHook, '--input-type=module', '-e', code], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('prom-client with metrics off', () => {
  it('is not loaded by the server’s modules', () => {
    const run = load(`await import('./src/server.ts'); console.log('loaded');`);
    expect(run.stderr).not.toContain('prom-client was loaded');
    expect(run.stdout).toContain('loaded');
  });

  it('is loaded when metrics are created (the hook does refuse it)', () => {
    const run = load(`const { createMetrics } = await import('./src/config/metrics.ts'); await createMetrics();`);
    expect(run.stderr).toContain('prom-client was loaded');
  });
});
