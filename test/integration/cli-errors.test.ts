import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
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

  it('db:start on a port that is taken says which variable to change, without a stack trace', async () => {
    const port = await freePort();
    const taken = net.createServer().listen(port, '127.0.0.1');
    await new Promise((resolve) => taken.once('listening', resolve));
    const dir = mkdtempSync(path.join(tmpdir(), 'bookshelf-port-taken-'));
    chmodSync(dir, 0o755);
    try {
      const run = await command('start', { EMBEDDED_PG_PORT: String(port), EMBEDDED_PG_DIR: path.join(dir, 'pg') });
      expect(run.code, run.output).toBe(1);
      expect(run.output).toContain(`Port ${port} is taken`);
      expect(run.output).toContain('set EMBEDDED_PG_PORT to a free port');
      expect(run.output).not.toMatch(/\n\s+at /);
    } finally {
      taken.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('a URL whose password holds / says to percent-encode it (exit 1, before anything runs)', async () => {
    const run = await command('status', { DATABASE_URL: 'postgres://app:pa/ss@127.0.0.1:5432/app' });
    expect(run.code, run.output).toBe(1);
    expect(run.output).toMatch(/DATABASE_URL: is not a valid URL\. If the user or password holds one of/);
    expect(run.output).not.toContain('pa/ss');
  }, 120_000);
});
