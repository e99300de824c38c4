import { spawn } from 'node:child_process';
import path from 'node:path';
import { atlasEnv, locateAtlas } from './locate.mjs';
import { repoRoot } from '../project/paths.mjs';
import { redactSecrets } from '../config/redact.ts';
import { CommandError } from '../errors/user-error.ts';
import { AtlasStdoutFilter, explainAtlasFailure, withoutUpgradeNotice } from './output.ts';

export interface AtlasRun {
  code: number;
  stdout: string;
  /** Without the community edition's upgrade notice. */
  stderr: string;
  /** The project it ran in. */
  cwd: string;
}

export interface AtlasOptions {
  /** Echo the command and stream its output (redacted). Default: true. */
  echo?: boolean;
  cwd?: string;
}

/** Which Atlas runs, said once per process (per binary) before the first command it runs. */
const announced = new Set<string>();
function announce(version: string, binary: string, source: 'ATLAS_BIN' | 'PATH' | 'built'): void {
  if (announced.has(binary)) return;
  announced.add(binary);
  const from = {
    ATLAS_BIN: `ATLAS_BIN=${binary}`,
    PATH: `your ${binary}`,
    built: `bookshelf's build, ${path.relative(process.cwd(), binary)}`,
  }[source];
  console.log(`(Atlas ${version}: ${from})`);
}

/**
 * Runs Atlas (see src/atlas/locate.mjs for which one). The command line and
 * everything Atlas prints pass through redactSecrets, so passwords in URLs
 * are never shown. Stdout streams as Atlas writes it, less the advice this
 * project replaces (src/atlas/output.ts); stderr is shown when
 * Atlas exits, or the project's own explanation of it instead.
 */
export function atlas(args: string[], { echo = true, cwd = repoRoot }: AtlasOptions = {}): Promise<AtlasRun> {
  const found = locateAtlas();
  if (found.path === null) return Promise.reject(new CommandError(found.problem, 127));
  const binary = found.path;
  if (echo) {
    announce(found.version, binary, found.source);
    console.log(`$ atlas ${args.map(quote).map(redactSecrets).join(' ')}`);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd, env: { ...process.env, ...atlasEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    const shown = new AtlasStdoutFilter();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = redactSecrets(chunk.toString());
      stdout += text;
      if (echo) process.stdout.write(shown.push(text));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += redactSecrets(chunk.toString())));
    child.on('error', reject);
    child.on('close', (code) => {
      stderr = withoutUpgradeNotice(stderr);
      if (echo) {
        process.stdout.write(shown.end());
        if (stderr && !explainAtlasFailure(stderr, cwd)) process.stderr.write(stderr);
      }
      resolve({ code: code ?? 1, stdout, stderr, cwd });
    });
  });
}

/** Runs Atlas and throws a CommandError with its output when it fails. */
export async function atlasOrThrow(args: string[], options?: AtlasOptions): Promise<AtlasRun> {
  const result = await atlas(args, options);
  if (result.code !== 0) {
    throw new CommandError(
      `atlas ${args[0]} ${args[1] ?? ''} failed (exit ${result.code})`.replace(/\s+\(/, ' (') +
        failureDetail(result, options?.echo ?? true),
      result.code,
    );
  }
  return result;
}

/**
 * What to show under "atlas … failed": the project's explanation of Atlas's error, else Atlas's own output
 * when it was not already shown (echo off); each on its own line.
 */
export function failureDetail(run: AtlasRun, echoed: boolean): string {
  const explained = explainAtlasFailure(run.stderr, run.cwd);
  if (explained) return `\n${explained}`;
  return echoed ? '' : `\n${(run.stderr || run.stdout).trim()}`;
}

/** Why a run failed, in one line: the project's explanation, else the last line Atlas printed (to stderr, else stdout). */
export function failureLine(run: AtlasRun): string {
  const explained = explainAtlasFailure(run.stderr, run.cwd);
  if (explained) return explained.split('\n')[0]!;
  return (run.stderr || run.stdout).trim().split('\n').at(-1) ?? '';
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
