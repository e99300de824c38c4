import { locateAtlas } from '../atlas/locate.mjs';
import { capabilities } from '../atlas/version.mjs';
import { atlas, failureLine } from '../commands/atlas.ts';
import { onEmptyScratchDatabase } from '../db/scratch.ts';
import { targetFlags } from '../commands/target-flags.ts';
import type { LintScope } from './changed-migrations.ts';
import { fail, pass, type CheckResult } from './result.ts';

const name = 'lint newest migrations';

/**
 * Atlas's analyzers whose findings fail the gate (by diagnostic code
 * prefix). Atlas itself only errors on destructive ones; the others it
 * merely reports, so they are judged here. concurrent_index (PG) and naming
 * (NM) findings are shown but do not fail.
 */
const blocking: Record<string, string> = {
  DS: 'destructive',
  MF: 'data_depend',
  BC: 'incompatible',
  CD: 'condrop',
};

export const optOutHelp =
  'If the change is intended, opt out in the migration file itself: make its first line `-- atlas:nolint <analyzer>` ' +
  '(e.g. `-- atlas:nolint destructive`, several separated by spaces; bare `-- atlas:nolint` skips all) followed by an ' +
  'empty line, or put the directive on the line right above the statement; then run npx atlas migrate hash --env local.';

interface LintFile {
  Name: string;
  Text?: string;
  Error?: string;
  Reports?: { Text: string; Diagnostics?: { Pos: number; Text: string; Code: string }[] }[];
}

/**
 * (d) `atlas migrate lint` on the newest migrations (see lintScope).
 * `workingRoot` is a re-hashed copy, so a stale atlas.sum is reported by
 * "migrations intact", not here.
 */
export async function checkLint(workingRoot: string, devUrl: string, scope: LintScope): Promise<CheckResult> {
  if (scope.latest === 0) return pass(name, `nothing to lint (${scope.because})`);
  const run = await onEmptyScratchDatabase(devUrl, () =>
    atlas(
      [
        'migrate', 'lint', ...targetFlags({ migrate: devUrl, dev: devUrl }),
        '--latest', String(scope.latest), '--format', '{{ json .Files }}',
      ],
      { echo: false, cwd: workingRoot },
    ),
  );
  let files: LintFile[];
  try {
    files = JSON.parse(run.stdout.trim() || 'null') ?? [];
  } catch {
    return fail(name, `atlas migrate lint failed: ${failureLine(run)}`);
  }
  const blockers: string[] = [];
  const warnings: string[] = [];
  for (const file of files) {
    if (file.Error && !file.Reports?.length) blockers.push(`${file.Name}: ${file.Error}`);
    for (const report of file.Reports ?? []) {
      for (const d of report.Diagnostics ?? []) {
        const analyzer = blocking[d.Code.slice(0, 2)];
        const line = `${file.Name}:${lineOf(file.Text ?? '', d.Pos)}: ${d.Text} (${d.Code}${analyzer ? `, ${analyzer}` : ''})`;
        (analyzer ? blockers : warnings).push(line);
      }
    }
  }
  const notes = missingAnalyzers();
  if (blockers.length > 0) {
    return fail(name, `${blockers[0]}`, [...blockers.slice(1), ...warnings.map((w) => `warning: ${w}`), ...notes, optOutHelp]);
  }
  if (run.code !== 0) return fail(name, `atlas migrate lint failed: ${failureLine(run)}`);
  return pass(
    name,
    `${scope.latest} file(s) linted (${scope.because}): no destructive, data-dependent or incompatible change`,
    [...warnings.map((w) => `warning: ${w}`), ...notes],
  );
}

const lineOf = (text: string, pos: number) => text.slice(0, pos).split('\n').length;

/**
 * What the Atlas that runs cannot check, said rather than passed over in
 * silence: open-source Atlas dropped its concurrent-index analyzer in
 * v0.22.0 and its naming analyzer in v0.32.0.
 */
export function missingAnalyzers(): string[] {
  const found = locateAtlas();
  if (found.path === null) return [];
  const can = capabilities(found.version);
  const notes: string[] = [];
  if (!can.concurrentIndexAnalyzer) {
    notes.push(
      `note: Atlas ${found.version} has no concurrent-index analyzer (PG101-PG103): a CREATE/DROP INDEX without CONCURRENTLY, ` +
        'which blocks writes to the table while it builds, is not reported by Atlas here.',
    );
  }
  if (!can.namingAnalyzer) notes.push(`note: Atlas ${found.version} has no naming analyzer (NM): index and constraint names are not checked.`);
  return notes;
}
