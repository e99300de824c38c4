import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../src/project/paths.mjs';

/**
 * The two OpenAPI linters the tests hold a served /openapi.json to, each with the project's committed config
 * (redocly.yaml, .spectral.yaml: each rule switched off there says why).
 */
const run = promisify(execFile);
const bin = (name: string) => path.join(repoRoot, 'node_modules', '.bin', name);

interface LintRun {
  code: number;
  output: string;
}

/** Runs a linter to its end: its exit code and its output (the failure message when it reports anything). */
async function lint(command: string, args: string[]): Promise<LintRun> {
  try {
    const { stdout, stderr } = await run(command, args, {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, output: stdout + stderr };
  }
}

/** Redocly CLI's `recommended` rules (redocly.yaml) on the document in `file`. */
export function redoclyLint(file: string): Promise<LintRun> {
  return lint(bin('redocly'), ['lint', '--config', path.join(repoRoot, 'redocly.yaml'), '--max-problems', '1000', file]);
}

/** Spectral's `spectral:oas` (.spectral.yaml) on the document in `file`, failing at any severity: also its findings. */
export async function spectralLint(file: string): Promise<LintRun & { findings: unknown[] }> {
  const { code, output } = await lint(bin('spectral'), [
    'lint',
    '--ruleset',
    path.join(repoRoot, '.spectral.yaml'),
    '--fail-severity',
    'hint',
    '--format',
    'json',
    file,
  ]);
  return { code, output, findings: JSON.parse(output.slice(output.indexOf('['), output.lastIndexOf(']') + 1)) as unknown[] };
}
