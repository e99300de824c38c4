import { spawn } from 'node:child_process';
import { repoRoot } from '../../src/project/paths.mjs';
import type { RunningProcess } from './process.ts';

/**
 * `npm start` exactly as an operator or a process manager runs it (npm, its
 * shell, the build, then the server), collecting its output. `child.pid` is
 * npm's pid: the process a container runtime or systemd would signal.
 */
export function npmStart(env: Record<string, string>): RunningProcess {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: '',
      DIRECT_DATABASE_URL: '',
      ATLAS_DEV_URL: '',
      ALLOW_ANONYMOUS_WRITES: '1',
      API_TOKENS: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  let stderr = '';
  child.stdout.on('data', onData);
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    onData(chunk);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => output,
    stderr: () => stderr,
    exited,
    waitFor(pattern, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = output.split('\n').find((l) => pattern.test(l));
          if (line === undefined) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(line);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => {
          check();
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`npm start exited before ${pattern}; output:\n${output}`));
          }
        });
        check();
      });
    },
  };
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
