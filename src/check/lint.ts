import { atlas, failureLine } from '../commands/atlas.ts';
import { targetFlags } from '../commands/target-flags.ts';
import { lineAt, type Finding } from './finding.ts';

/**
 * Atlas's analyzers whose findings fail the gate (by diagnostic code
 * prefix). Atlas itself only errors on destructive ones; the others it
 * merely reports, so they are judged here. concurrent_index (PG) and naming
 * (NM) findings are shown but do not fail (squawk judges index builds).
 */
const blocking: Record<string, string> = {
  DS: 'destructive',
  MF: 'data_depend',
  BC: 'incompatible',
  CD: 'condrop',
};
const analyzers: Record<string, string> = { ...blocking, PG: 'concurrent_index', NM: 'naming' };

interface LintFile {
  Name: string;
  Text?: string;
  Error?: string;
  Reports?: { Text: string; Diagnostics?: { Pos: number; Text: string; Code: string }[] }[];
}

/**
 * `atlas migrate lint --latest N` (the newest N files) as findings. Opt-out:
 * `-- atlas:nolint <analyzer>` as the file's first line (then an empty line)
 * or on the line above the statement.
 */
export async function atlasLintFindings(projectRoot: string, devUrl: string, latest: number): Promise<Finding[]> {
  if (latest === 0) return [];
  const run = await atlas(
    ['migrate', 'lint', ...targetFlags({ migrate: devUrl, dev: devUrl }), '--latest', String(latest), '--format', '{{ json .Files }}'],
    { echo: false, cwd: projectRoot },
  );
  let files: LintFile[];
  try {
    files = JSON.parse(run.stdout.trim() || 'null') ?? [];
  } catch {
    throw new Error(`atlas migrate lint failed: ${failureLine(run)}`);
  }
  const findings: Finding[] = [];
  for (const file of files) {
    if (file.Error && !file.Reports?.length) {
      findings.push({ file: file.Name, line: 1, source: 'atlas', rule: 'error', level: 'fail', message: file.Error, optOut: '' });
    }
    for (const report of file.Reports ?? []) {
      for (const d of report.Diagnostics ?? []) {
        const prefix = d.Code.slice(0, 2);
        const analyzer = analyzers[prefix] ?? prefix;
        findings.push({
          file: file.Name,
          line: lineAt(file.Text ?? '', d.Pos),
          source: 'atlas',
          rule: `${d.Code}, ${analyzer}`,
          level: blocking[prefix] ? 'fail' : 'warn',
          message: d.Text,
          optOut: `-- atlas:nolint ${analyzer}`,
        });
      }
    }
  }
  if (findings.length === 0 && run.code !== 0) throw new Error(`atlas migrate lint failed: ${failureLine(run)}`);
  return findings;
}
