import { resetScratchDatabase } from '../postgres/scratch.ts';
import { dataLossFindings } from './data-loss.ts';
import { formatFinding, type Finding } from './finding.ts';
import { atlasLintFindings, type AtlasLint } from './lint.ts';
import { migrationFiles } from '../project/migration-files.ts';
import { squawkFindings } from './squawk.ts';
import { stillReferencedFindings } from './still-referenced.ts';
import { timeoutSettingFindings } from '../gate/timeout-settings.ts';

/**
 * The migration gate: the same checks wherever migrations are judged
 * (`db:check` on the newest files, `db:apply` and a migrating `npm start`
 * on the pending ones, before anything runs):
 * - Atlas's analyzers (destructive, data-dependent, backward-incompatible, constraint drops);
 * - squawk (locks and table rewrites), as configured in squawk-rules.ts;
 * - our data-loss rules (narrowing type changes, DROP + ADD that is a rename);
 * - expand and contract: a warning for a column dropped or renamed that src/ still uses;
 * - a file that sets its own lock_timeout / statement_timeout (src/gate/timeout-settings.ts).
 */
export interface GateVerdict {
  /** The files judged, oldest first. */
  files: string[];
  /** Findings that refuse the migration. */
  blockers: Finding[];
  /** Findings shown but not refused. */
  warnings: Finding[];
  /** How Atlas linted each file: leading statements that only create new objects run as the base (fast). */
  linted?: AtlasLint['files'];
}

const optOutHelp =
  'Each refused line names its opt-out, one reviewed line in the migration file: Atlas analyzers `-- atlas:nolint <analyzer>` ' +
  '(first line, then an empty line; or the line above the statement), squawk rules `-- squawk-ignore <rule>` (the line above the statement) ' +
  'or `-- squawk-ignore-file <rule>`, our data-loss rules `-- bookshelf:allow <rule>`. Then run npx atlas migrate hash --env local.';

/**
 * Judges the newest `latest` migration files of the project (a dev database
 * Atlas may wipe is needed). `codeRoot` holds the src/ whose uses of dropped
 * columns are warned about: the project itself, also when its migrations are
 * judged in a copy (db:check's re-hashed working copy).
 */
export async function gateMigrations(projectRoot: string, devUrl: string, latest: number, codeRoot = projectRoot): Promise<GateVerdict> {
  const all = migrationFiles(projectRoot);
  const scope = latest > 0 ? all.slice(-latest) : [];
  if (scope.length === 0) return { files: [], blockers: [], warnings: [] };
  await resetScratchDatabase(devUrl); // Atlas's lint wants it empty; a run stopped half-way may have left tables
  const lint = await atlasLintFindings(projectRoot, devUrl, scope.length);
  const findings = [
    ...lint.findings,
    ...(await squawkFindings(scope)),
    ...(await dataLossFindings(projectRoot, devUrl, all, scope)),
    ...stillReferencedFindings(codeRoot, scope),
    ...timeoutSettingFindings(scope),
  ].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return {
    files: scope.map((file) => file.name),
    blockers: findings.filter((finding) => finding.level === 'fail'),
    warnings: findings.filter((finding) => finding.level === 'warn'),
    linted: lint.files,
  };
}

/** The verdict as lines: each refusal, each warning, then how to opt out. */
export function describeVerdict(verdict: GateVerdict): string[] {
  return [
    ...verdict.blockers.map(formatFinding),
    ...verdict.warnings.map((finding) => `warning: ${formatFinding(finding)}`),
    ...(verdict.blockers.length ? [optOutHelp] : []),
  ];
}
