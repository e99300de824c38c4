import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { interruptedRunDir } from '../support/interrupted.ts';
import { sleep } from '../support/load.ts';
import { isAlive } from '../support/npm-start.ts';

/**
 * `npm run bench` killed outright (SIGKILL, a closed terminal) runs none of
 * its own clean-up: its Postgres, its data directory under /tmp and its
 * forked servers used to stay behind. The reaper (test/support/reaper.mjs)
 * now stops the Postgres and deletes the directory, and each server ends
 * when its IPC channel to the bench closes (servers/bench-ipc.ts).
 */
const parent = interruptedRunDir('bookshelf-bench-killed-');

it('a bench killed with SIGKILL leaves no server, no Postgres and no data directory behind', { timeout: 240_000 }, async () => {
  const bench = spawn(process.execPath, ['--import', 'tsx', 'test/bench/run.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      TMPDIR: parent,
      BENCH_SERVERS: 'ours',
      BENCH_DATASETS: 'seed',
      BENCH_ENDPOINTS: 'GET /authors',
      BENCH_ROUNDS: '1',
      BENCH_SECONDS: '60',
      BENCH_WARMUP: '60',
    },
  });
  let output = '';
  bench.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  bench.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => bench.on('exit', () => resolve()));

  const deadline = Date.now() + 180_000;
  let server: number | undefined;
  while (server === undefined && Date.now() < deadline && bench.exitCode === null) {
    server = Number(/ours server up at \S+ \(pid (\d+)\)/.exec(output)?.[1]) || undefined;
    await sleep(200);
  }
  expect(server, output).toBeDefined();
  const [dir] = readdirSync(parent).filter((name) => name.startsWith('bookshelf-bench-'));
  expect(dir, `no bench directory under ${parent}`).toBeDefined();
  const dataDir = path.join(parent, dir!, 'pg');
  const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  expect(isAlive(server!) && isAlive(postmaster)).toBe(true);

  bench.kill('SIGKILL');
  await exited;
  const gone = Date.now() + 60_000;
  while ((isAlive(server!) || isAlive(postmaster) || existsSync(path.join(parent, dir!))) && Date.now() < gone) await sleep(250);
  expect(isAlive(server!), 'the bench server outlived the bench').toBe(false);
  expect(isAlive(postmaster), "the bench's Postgres outlived the bench").toBe(false);
  expect(existsSync(path.join(parent, dir!)), "the bench's data directory was left behind").toBe(false);
});
