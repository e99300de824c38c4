import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { repoRoot } from '../../src/project/paths.mjs';

/**
 * Runs a project entrypoint (e.g. src/main.ts) in its own Node process, as
 * `npm start` would, collecting its output.
 */
export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  /** What it wrote to stderr alone. */
  stderr: () => string;
  /** Resolves with the first output line matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The environment a test server starts with: no database URLs but the test's, writes open unless the test says otherwise. */
export function serverEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  // Writes open (ALLOW_ANONYMOUS_WRITES) unless a test says otherwise: most start a server on a test database
  // that is not the embedded one, which would otherwise refuse to start without API_TOKENS (test/integration/auth.test.ts).
  return {
    ...process.env,
    DATABASE_URL: '',
    DIRECT_DATABASE_URL: '',
    ATLAS_DEV_URL: '',
    ALLOW_ANONYMOUS_WRITES: '1',
    API_TOKENS: '',
    ...env,
  };
}

export function runEntrypoint(script: string, env: Record<string, string>, args: string[] = [], cwd = repoRoot): RunningProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd,
    env: serverEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return watchProcess(child, { name: 'process', timeoutMs: 60_000 });
}

/** Collects a child's output (stdout and stderr) and lets a test wait for a line of it. */
export function watchProcess(
  child: ChildProcess,
  { name, timeoutMs: defaultTimeoutMs }: { name: string; timeoutMs: number },
): RunningProcess {
  let output = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', (chunk: Buffer) => {
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
    waitFor(pattern, timeoutMs = defaultTimeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = output.split('\n').find((l) => pattern.test(l));
          if (line !== undefined) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(line);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => {
          if (listeners.has(check)) {
            check();
            if (listeners.has(check)) {
              listeners.delete(check);
              clearTimeout(timer);
              reject(new Error(`${name} exited before ${pattern}; output:\n${output}`));
            }
          }
        });
        check();
      });
    },
  };
}

/** Runs a command to its end: its exit code, and its stdout and stderr as one text. */
export function runToEnd(command: string, args: string[], options: SpawnOptions = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}
