import { spawn } from 'node:child_process';
import { repoRoot } from '../../src/project/paths.mjs';
import { serverEnv, watchProcess, type RunningProcess } from './process.ts';

/**
 * `npm start` exactly as an operator or a process manager runs it (npm, its
 * shell, the build, then the server), collecting its output. `child.pid` is
 * npm's pid: the process a container runtime or systemd would signal.
 */
export function npmStart(env: Record<string, string>): RunningProcess {
  const child = spawn('npm', ['start', '--silent'], { cwd: repoRoot, env: serverEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  return watchProcess(child, { name: 'npm start', timeoutMs: 120_000 });
}

/** Whether a process with this pid is alive. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
