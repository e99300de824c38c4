// The reaper: a detached watcher that stops a test's Postgres and deletes its temp dir once the
// process that started it is gone, however it went (Ctrl-C, `| head` closing the pipe, a crash,
// SIGKILL): vitest's teardown does not run then. Usage: node reaper.mjs <pid> <dataDir> <removeDir>
import { existsSync, readFileSync, rmSync } from 'node:fs';

const [pid, dataDir, removeDir] = process.argv.slice(2);
const alive = (p) => {
  try {
    process.kill(p, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
};
const postmaster = () => {
  try {
    return Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
  } catch {
    return 0;
  }
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

while (alive(Number(pid))) {
  if (!existsSync(removeDir)) process.exit(0); // torn down normally
  await sleep(300);
}
const server = postmaster();
if (server && alive(server)) {
  process.kill(server, 'SIGQUIT'); // immediate shutdown: the data is thrown away anyway
  for (let i = 0; i < 100 && alive(server); i++) await sleep(100);
  if (alive(server)) process.kill(server, 'SIGKILL');
}
rmSync(removeDir, { recursive: true, force: true });
