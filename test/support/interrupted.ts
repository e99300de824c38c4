import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/**
 * For tests that interrupt a run (Ctrl-C, SIGKILL) and look for what it
 * left behind: a temp folder of the test's own, to run it in (its TMPDIR),
 * deleted after the file's tests (whether a process is still there: isAlive, npm-start.ts).
 */
export function interruptedRunDir(prefix: string): string {
  const parent = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(parent, 0o755); // the embedded Postgres runs as its own user, which must reach its data dir
  afterAll(() => rmSync(parent, { recursive: true, force: true }));
  return parent;
}
