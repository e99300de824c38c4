import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../project/paths.mjs';
import { ensureTool } from '../../go-tools/ensure.ts';
import type { ApiChange, ApiDifference } from './model.ts';

const run = promisify(execFile);
const printer = path.join(repoRoot, 'src', 'project-check', 'report', 'print-openapi.ts');

/**
 * The API's contract change: the OpenAPI document the project served at
 * `base` (built from the base commit's own src/, extracted with `git
 * archive`) against the one the working tree serves now, compared by
 * oasdiff: `breaking` for what breaks clients (errors, then warnings),
 * `changelog` for the rest. The documents come from the code, not from a
 * stored file, so a dropped column that the API served shows up as the
 * removed field it is.
 */
export async function apiContractChange(projectRoot: string, base: string, log?: (line: string) => void): Promise<ApiChange> {
  const oasdiff = await ensureTool('oasdiff', log);
  const work = mkdtempSync(path.join(tmpdir(), 'bookshelf-api-'));
  try {
    const old = path.join(work, 'old.json');
    const now = path.join(work, 'new.json');
    writeFileSync(old, await documentAt(projectRoot, base, path.join(work, 'base')));
    writeFileSync(now, await documentOf(projectRoot));
    const breaking = await oasdiffJson(oasdiff, 'breaking', old, now);
    const changelog = await oasdiffJson(oasdiff, 'changelog', old, now);
    const breakingKeys = new Set(breaking.map(key));
    const order = { error: 0, warning: 1, info: 2 };
    return {
      base,
      breaking: breaking.map(difference).sort((a, b) => order[a.level] - order[b.level]),
      other: changelog.filter((change) => !breakingKeys.has(key(change))).map(difference),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The document the project's code at `ref` serves: its src/ extracted into `dir`, sharing the project's node_modules. */
async function documentAt(projectRoot: string, ref: string, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const archive = path.join(dir, '..', 'base.tar');
  await run('git', ['-C', projectRoot, 'archive', '--format=tar', '-o', archive, ref, 'src', 'package.json'], { maxBuffer: 1 << 26 });
  await run('tar', ['-xf', archive, '-C', dir]);
  const own = path.join(projectRoot, 'node_modules');
  symlinkSync(existsSync(own) ? own : path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  try {
    return await documentOf(dir);
  } catch (error) {
    throw new Error(`the API document at ${ref} could not be built: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`, {
      cause: error,
    });
  }
}

async function documentOf(root: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', printer, root], { cwd: repoRoot, maxBuffer: 1 << 26 });
  return stdout;
}

interface OasdiffChange {
  id: string;
  text: string;
  level: number;
  operation?: string;
  path?: string;
}

async function oasdiffJson(binary: string, command: 'breaking' | 'changelog', old: string, now: string): Promise<OasdiffChange[]> {
  const { stdout } = await run(binary, [command, old, now, '--format', 'json'], { maxBuffer: 1 << 26 }).catch(
    (error: Error & { stderr?: string }) => {
      throw new Error(`oasdiff ${command} failed: ${error.stderr?.trim() || error.message}`, { cause: error });
    },
  );
  return (JSON.parse(stdout || '[]') as OasdiffChange[] | null) ?? [];
}

const key = (change: OasdiffChange) => `${change.id}|${change.operation}|${change.path}|${change.text}`;

/** oasdiff's levels: 3 ERR (breaks clients), 2 WARN (may break them), 1 INFO. */
function difference(change: OasdiffChange): ApiDifference {
  const level = change.level >= 3 ? 'error' : change.level === 2 ? 'warning' : 'info';
  return { level, operation: change.operation ?? '', path: change.path ?? '', text: change.text, id: change.id };
}
