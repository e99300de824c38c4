import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { freePort } from '../support/free-port.ts';
import { runToEnd } from '../support/process.ts';

/** The db:* commands explain a database they cannot reach as `npm start` does, never with Atlas's raw dial error. */
const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
const command = (name: string, env: Record<string, string>) =>
  runToEnd(tsx, ['src/commands/main.ts', name], { cwd: repoRoot, env: { ...process.env, ...env } });

describe('a database out of reach', () => {
  for (const name of ['status', 'apply', 'check']) {
    it(`db:${name}: says connection refused, where, and what to check; exit 1; no password`, async () => {
      const port = await freePort(); // nothing listens there
      const run = await command(name, {
        DATABASE_URL: `postgres://app:s3cret-pw@127.0.0.1:${port}/app`,
        ATLAS_DEV_URL: `postgres://app:s3cret-pw@127.0.0.1:${port}/dev`,
      });
      expect(run.code, run.output).toBe(1);
      expect(run.output).toContain(`connection refused at 127.0.0.1:${port}: is Postgres running there? Check the host and port in`);
      expect(run.output).not.toMatch(/dial tcp|scanning system variables|\n\s+at /);
      expect(run.output).not.toContain('s3cret');
    }, 120_000);
  }

  it('a URL whose password holds / says to percent-encode it (exit 1, before anything runs)', async () => {
    const run = await command('status', { DATABASE_URL: 'postgres://app:pa/ss@127.0.0.1:5432/app' });
    expect(run.code, run.output).toBe(1);
    expect(run.output).toMatch(/DATABASE_URL: is not a valid URL\. If the user or password holds one of/);
    expect(run.output).not.toContain('pa/ss');
  }, 120_000);
});
