import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { interruptedRunDir } from '../support/interrupted.ts';
import { sleep } from '../support/load.ts';
import { isAlive } from '../support/npm-start.ts';

/**
 * Ctrl-C during `npm test` (or `npm test | head` closing the pipe) ends vitest before its
 * global teardown runs; the test Postgres must not outlive it (test/support/reaper.mjs).
 */
const parent = interruptedRunDir('bookshelf-interrupted-');

/** The postmaster pid of the first cluster under `parent`, once it is running. */
async function waitForPostmaster(deadline: number): Promise<{ pid: number; dir: string }> {
  while (Date.now() < deadline) {
    for (const dir of readdirSync(parent)) {
      const pidFile = path.join(parent, dir, 'pg', 'postmaster.pid');
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
        if (pid > 0) return { pid, dir: path.join(parent, dir) };
      }
    }
    await sleep(200);
  }
  throw new Error('the interrupted run never started its Postgres');
}

// The interrupted child runs this same suite: it must not start another child of its own.
it.skipIf(process.env.BOOKSHELF_INTERRUPTED_RUN)(
  "SIGINT to `npm test` (as Ctrl-C sends it to the terminal's process group) leaves no Postgres and no data dir behind",
  async () => {
    // Its own process group, like a terminal's foreground job; its own temp dir, so only its cluster is watched.
    const run = spawn('npm', ['test'], {
      cwd: repoRoot,
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, BOOKSHELF_TEST_TMPDIR: parent, BOOKSHELF_INTERRUPTED_RUN: '1', TEST_DATABASE_URL: '' },
    });
    const exited = new Promise<void>((resolve) => run.on('exit', () => resolve()));
    const { pid, dir } = await waitForPostmaster(Date.now() + 300_000);
    expect(isAlive(pid)).toBe(true);
    await sleep(3_000); // well into the run: the global setup is migrating its template database
    process.kill(-run.pid!, 'SIGINT');
    await exited;
    const deadline = Date.now() + 60_000;
    while ((isAlive(pid) || existsSync(dir)) && Date.now() < deadline) await sleep(250);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  },
  420_000,
);
