import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Makes sure the Postgres in `dataDir` is stopped and `removeDir` deleted
 * when this process ends, also when it is interrupted and no teardown runs
 * (reaper.mjs, a detached watcher). A normal teardown that deletes
 * `removeDir` ends the watcher too.
 */
export function reapWhenGone(dataDir: string, removeDir: string): void {
  const script = fileURLToPath(new URL('./reaper.mjs', import.meta.url));
  spawn(process.execPath, [script, String(process.pid), dataDir, removeDir], { detached: true, stdio: 'ignore' }).unref();
}
