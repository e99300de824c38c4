import type { LintScope } from './changed-migrations.ts';
import { describeVerdict, gateMigrations, type GateVerdict } from '../gate/gate.ts';
import { missingAnalyzers } from '../gate/lint.ts';
import { fail, pass, type CheckResult } from './result.ts';

const name = 'lint newest migrations';

/**
 * (d) The migration gate (gate.ts) on the newest migrations (see
 * lintScope). `workingRoot` is a re-hashed copy, so a stale atlas.sum is
 * reported by "migrations intact", not here; `projectRoot` is the project,
 * whose src/ the gate's still-referenced warning reads. `onVerdict` gets the
 * verdict itself (the review report shows it, without judging twice).
 */
export async function checkLint(
  workingRoot: string,
  devUrl: string,
  scope: LintScope,
  projectRoot = workingRoot,
  onVerdict?: (verdict: GateVerdict) => void,
): Promise<CheckResult> {
  if (scope.latest === 0) return pass(name, `nothing to lint (${scope.because})`);
  const verdict = await gateMigrations(workingRoot, devUrl, scope.latest, projectRoot);
  onVerdict?.(verdict);
  const [first, ...rest] = describeVerdict(verdict);
  const notes = missingAnalyzers();
  if (verdict.blockers.length > 0) return fail(name, first!, [...rest, ...notes]);
  return pass(
    name,
    `${verdict.files.length} file(s) linted (${scope.because}): no destructive, data-losing, locking or incompatible change`,
    [...describeVerdict(verdict), ...notes],
  );
}
