import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Finding } from './finding.ts';
import type { MigrationFile } from '../project/migration-files.ts';
import { excludedSquawkRules, squawkRules } from './squawk-rules.ts';
import { isSquawkNoise } from '../gate/squawk-noise.ts';

/** The Postgres version squawk judges for (the embedded one, and the one Neon projects must use). */
const pgVersion = '15';

interface SquawkReport {
  file: string;
  line: number;
  rule_name: string;
  message: string;
  help?: string | null;
}

/**
 * squawk (npm squawk-cli, a platform binary: no download at install) over
 * migration files, judged by the policy in squawk-rules.ts. Files Atlas runs
 * in a transaction (the default) are linted as such, so a CONCURRENTLY build
 * without `-- atlas:txmode none` is caught; opt-outs are squawk's own
 * `-- squawk-ignore <rule>` (the statement below) and `-- squawk-ignore-file <rule>`.
 * What is no hazard in its file (src/gate/squawk-noise.ts) is left out.
 */
export async function squawkFindings(files: MigrationFile[]): Promise<Finding[]> {
  const inTransaction = files.filter((file) => !file.noTransaction);
  const outside = files.filter((file) => file.noTransaction);
  const reports = [
    ...(inTransaction.length ? await runSquawk(inTransaction, true) : []),
    ...(outside.length ? await runSquawk(outside, false) : []),
  ];
  const findings: Finding[] = [];
  const texts = new Map(files.map((file) => [file.path, file.text]));
  for (const report of reports) {
    if (isSquawkNoise(texts.get(report.file) ?? '', report.rule_name, report.line)) continue;
    const policy = squawkRules[report.rule_name] ?? { level: 'fail' as const, why: 'a rule this gate does not know yet' };
    if (policy.level === 'off') continue;
    const help = report.help && report.help !== 'None' ? ` ${report.help}` : '';
    findings.push({
      file: path.basename(report.file),
      line: report.line + 1, // squawk counts from 0
      source: 'squawk',
      rule: report.rule_name,
      level: policy.level,
      message: policy.advice ?? `${report.message}${help}`,
      optOut: `-- squawk-ignore ${report.rule_name}`,
    });
  }
  return findings;
}

function runSquawk(files: MigrationFile[], assumeInTransaction: boolean): Promise<SquawkReport[]> {
  const args = [
    squawkBin(),
    '--reporter',
    'json',
    '--pg-version',
    pgVersion,
    ...(excludedSquawkRules.length ? ['--exclude', excludedSquawkRules.join(',')] : []),
    ...(assumeInTransaction ? ['--assume-in-transaction'] : []),
    ...files.map((file) => file.path),
  ];
  return new Promise((resolve, reject) => {
    // Exit 1 means "found something"; the JSON on stdout says what.
    execFile(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      try {
        resolve(JSON.parse(stdout.trim() || '[]') as SquawkReport[]);
      } catch {
        reject(new Error(`squawk failed: ${(stderr || stdout || String(error)).trim().split('\n').at(-1)}`));
      }
    });
  });
}

/** squawk-cli's launcher script (it runs the platform package's binary). */
function squawkBin(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('squawk-cli/package.json')), 'js', 'bin', 'squawk');
}
