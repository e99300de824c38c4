import { spawn } from 'node:child_process';
import { atlasEnv, findAtlas, missingAtlasMessage, repoRoot } from '../atlas/locate.mjs';
import { redactSecrets } from '../config/redact.ts';

export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface AtlasRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface AtlasOptions {
  /** Echo the command and stream its output (redacted). Default: true. */
  echo?: boolean;
  cwd?: string;
}

/**
 * Runs the pinned Atlas CLI. The command line and everything Atlas prints
 * pass through redactSecrets, so passwords in URLs are never shown.
 */
export function atlas(args: string[], { echo = true, cwd = repoRoot }: AtlasOptions = {}): Promise<AtlasRun> {
  const binary = findAtlas();
  if (!binary) return Promise.reject(new CommandError(missingAtlasMessage(), 127));
  if (echo) console.log(`$ atlas ${args.map(quote).map(redactSecrets).join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd, env: { ...process.env, ...atlasEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = redactSecrets(chunk.toString());
      stdout += text;
      if (echo) process.stdout.write(text);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = redactSecrets(chunk.toString());
      stderr += text;
      if (echo) process.stderr.write(text);
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Runs Atlas and throws a CommandError with its output when it fails. */
export async function atlasOrThrow(args: string[], options?: AtlasOptions): Promise<AtlasRun> {
  const result = await atlas(args, options);
  if (result.code !== 0) {
    const detail = options?.echo === false ? `\n${(result.stderr || result.stdout).trim()}` : '';
    throw new CommandError(`atlas ${args[0]} ${args[1] ?? ''} failed (exit ${result.code})${detail}`.replace(/\s+\(/, ' ('), result.code);
  }
  return result;
}

/** Why a run failed, in one line: the last line Atlas printed (to stderr, else stdout). */
export function failureLine(run: AtlasRun): string {
  return (run.stderr || run.stdout).trim().split('\n').at(-1) ?? '';
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
