import { gitBase, lintScope, type LintOptions } from '../changed-migrations.ts';
import type { Finding } from '../../gate/finding.ts';
import { gateMigrations, type GateVerdict } from '../../gate/gate.ts';
import { migrationFiles, type MigrationFile } from '../../project/migration-files.ts';
import { pendingMigrations } from '../../migrate/pending.ts';
import type { CheckResult } from '../result.ts';
import { makeWorkingCopy } from '../../catalog/working-copy.ts';
import { redactSecrets } from '../../config/redact.ts';
import { apiContractChange } from './api-contract.ts';
import type { MigrationReport, Rehearsal, ReviewReport, Section } from './model.ts';
import { rehearse } from './rehearse.ts';
import { withTargetCopy } from './target-copy.ts';
import { touchedRows } from './touched-rows.ts';

export interface ReviewOptions {
  /** The project: atlas.hcl, schema.sql, migrations/, src/. */
  root: string;
  /** An empty scratch database Atlas may wipe. */
  devUrl: string;
  /** The database the change will meet (e.g. a Neon branch of production): rows are counted there, read-only. */
  targetUrl?: string | undefined;
  /** A copy of the target to apply the migrations on; without it, a temporary copy is made with CREATE DATABASE … TEMPLATE. */
  rehearseOn?: string | undefined;
  lint?: LintOptions;
  /** db:check's results, repeated in the report. */
  checks: CheckResult[];
  /** The gate's verdict db:check's lint check reached on the same files; judged again when absent. */
  verdict?: GateVerdict | undefined;
  /** Progress lines (a build of oasdiff on first use). */
  log?: (line: string) => void;
}

const sameFiles = (a: string[], b: string[]) => a.length === b.length && a.every((name, i) => name === b[i]);
const message = (error: unknown) => redactSecrets(error instanceof Error ? error.message : String(error)).split('\n')[0]!;

/**
 * The review report of `db:check --report/--json`: for each new migration
 * (the files db:check lints: new since the git base), its SQL and the
 * gate's findings with the rows they touch in the target; the migrations
 * rehearsed on a copy of the target, statement by statement; the API's
 * contract change since the base. A part that cannot run says why.
 */
export async function buildReview(options: ReviewOptions): Promise<ReviewReport> {
  const { root, devUrl } = options;
  const countIn = options.targetUrl ?? options.rehearseOn;
  const scope = lintScope(root, options.lint);
  const base = options.lint?.latest ? gitBase(root) : gitBase(root, options.lint?.gitBase);
  const copy = await makeWorkingCopy(root, devUrl);
  try {
    const all = migrationFiles(copy.root);
    const scoped = scope.latest > 0 ? all.slice(-scope.latest) : [];
    const judged =
      options.verdict &&
      sameFiles(
        options.verdict.files,
        scoped.map((file) => file.name),
      )
        ? options.verdict
        : undefined;
    const verdict =
      judged ?? (scoped.length ? await gateMigrations(copy.root, devUrl, scope.latest, root) : { blockers: [], warnings: [] });
    const findings: Finding[] = [...verdict.blockers, ...verdict.warnings].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);

    const migrations: MigrationReport[] = [];
    for (const file of scoped) {
      const own = findings.filter((finding) => finding.file === file.name);
      migrations.push({
        file: file.name,
        sql: file.text,
        findings: await Promise.all(
          own.map(async ({ subject: _subject, ...finding }, i) => ({
            ...finding,
            rows: countIn ? await touchedRows(countIn, own[i]!, file).catch((error) => [`rows: not counted (${message(error)})`]) : [],
          })),
        ),
      });
    }

    return {
      generatedAt: new Date().toISOString(),
      base,
      scope: scope.because,
      target: countIn ? redactSecrets(countIn) : null,
      migrations,
      rehearsal: await rehearsal(options, copy.root, all, scoped),
      api: base
        ? await apiContractChange(root, base, options.log).then(
            (change) => ({ status: 'done' as const, ...change }),
            (error) => ({ status: 'failed' as const, reason: message(error) }),
          )
        : { status: 'skipped', reason: 'not a git repository (or no base ref): no earlier API to compare with; pass --git-base <ref>' },
      checks: options.checks.map(({ name, status, reason }) => ({ name, status, reason: redactSecrets(reason) })),
    };
  } finally {
    copy.dispose();
  }
}

async function rehearsal(
  options: ReviewOptions,
  workingRoot: string,
  all: MigrationFile[],
  scoped: MigrationFile[],
): Promise<Section<Rehearsal>> {
  if (scoped.length === 0) return { status: 'skipped', reason: 'no new migration to rehearse' };
  if (!options.targetUrl && !options.rehearseOn) {
    return { status: 'skipped', reason: 'no target: pass --url <database> (e.g. a Neon branch of production) or --rehearse-on <copy>' };
  }
  const isNew = (name: string) => scoped.some((file) => file.name === name);
  const on = async (copyUrl: string, where: string): Promise<Section<Rehearsal>> => {
    const pending = new Set(await pendingMigrations(workingRoot, copyUrl, options.devUrl));
    const files = all.filter((file) => pending.has(file.name));
    if (!files.some((file) => isNew(file.name))) {
      return { status: 'skipped', reason: `the target has applied every new migration already (${scoped.map((f) => f.name).join(', ')})` };
    }
    const run = await rehearse(copyUrl, files, isNew);
    return { status: 'done', on: where, ...run };
  };
  try {
    if (options.rehearseOn)
      return await on(options.rehearseOn, `${redactSecrets(options.rehearseOn)} (--rehearse-on: the migrations are now applied there)`);
    return await withTargetCopy(options.targetUrl!, (copyUrl) =>
      on(copyUrl, 'a temporary copy of the target (CREATE DATABASE … TEMPLATE), dropped afterwards'),
    );
  } catch (error) {
    return { status: 'failed', reason: message(error) };
  }
}
