import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { locateAtlas } from '../atlas/locate.mjs';
import { capabilities } from '../atlas/version.mjs';
import { atlas, failureLine } from '../atlas/run.ts';
import { targetFlags } from '../atlas/flags.ts';
import { onEmptyScratchDatabase } from '../postgres/scratch.ts';
import type { Finding } from './finding.ts';
import { lineAt, splitStatements } from '../project/sql-statements.ts';
import { migrationFiles, type MigrationFile } from '../project/migration-files.ts';
import { onlyNewObjects, splitNewObjectsPrefix, type SplitMigration } from './new-objects-prefix.ts';
import { targetCreatedEarlier } from '../gate/squawk-noise.ts';
import { droppedColumn } from '../gate/dropped-column.ts';
import { projectFiles } from '../project/paths.mjs';

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
 * `atlas migrate lint` on the newest `latest` files, as findings. Opt-out:
 * `-- atlas:nolint <analyzer>` as the file's first line (then an empty line)
 * or on the line above the statement.
 *
 * Each file is linted on its own, in a copy of migrations/ where the file's
 * leading statements that only create new objects (new-objects-prefix.ts:
 * nothing Atlas's blocking analyzers can flag) run as a file of their own
 * before it: Atlas inspects the whole schema after every statement it lints,
 * so a 500-table first migration would otherwise take many minutes.
 */
export async function atlasLintFindings(projectRoot: string, devUrl: string, latest: number): Promise<AtlasLint> {
  const lint: AtlasLint = { findings: [], files: [] };
  if (latest === 0) return lint;
  const all = migrationFiles(projectRoot);
  for (let i = Math.max(0, all.length - latest); i < all.length; i++) {
    const file = all[i]!;
    const split = splitNewObjectsPrefix(file.text);
    const statements = splitStatements(file.text).length;
    // Nothing left to lint once the prefix ran (settings aside): Atlas would replay and inspect for no finding.
    const linted = !onlyNewObjects(file.text);
    lint.files.push({ file: file.name, asBase: split.statements, statements, atlasLint: linted });
    if (linted) lint.findings.push(...(await lintOne(projectRoot, devUrl, all.slice(0, i), file, split)));
  }
  return lint;
}

/** The findings, and how each file was linted: its leading statements run as the base (the fast path), the rest one by one. */
export interface AtlasLint {
  findings: Finding[];
  files: { file: string; asBase: number; statements: number; atlasLint: boolean }[];
}

async function lintOne(
  projectRoot: string,
  devUrl: string,
  before: MigrationFile[],
  file: MigrationFile,
  split: SplitMigration,
): Promise<Finding[]> {
  const copy = mkdtempSync(path.join(tmpdir(), 'bookshelf-lint-'));
  try {
    mkdirSync(path.join(copy, projectFiles.migrations));
    copyFileSync(path.join(projectRoot, 'atlas.hcl'), path.join(copy, 'atlas.hcl'));
    for (const earlier of before) copyFileSync(earlier.path, path.join(copy, projectFiles.migrations, earlier.name));
    if (split.statements > 0) {
      const version = file.name.split('_')[0]!;
      // `<version>.0_…` sorts just before `<version>_…`: the prefix runs first, as part of the base.
      writeFileSync(path.join(copy, projectFiles.migrations, `${version}.0_new_objects.sql`), `${split.prefix}\n`);
    }
    writeFileSync(path.join(copy, projectFiles.migrations, file.name), split.rest);
    const hash = await atlas(['migrate', 'hash', ...targetFlags({ migrate: devUrl, dev: devUrl })], { echo: false, cwd: copy });
    if (hash.code !== 0) throw new Error(`atlas migrate hash failed: ${failureLine(hash)}`);
    const run = await onEmptyScratchDatabase(devUrl, () =>
      atlas(['migrate', 'lint', ...targetFlags({ migrate: devUrl, dev: devUrl }), '--latest', '1', '--format', '{{ json .Files }}'], {
        echo: false,
        cwd: copy,
      }),
    );
    return findingsOf(run, file);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

function findingsOf(run: Awaited<ReturnType<typeof atlas>>, file: MigrationFile): Finding[] {
  let files: LintFile[];
  try {
    files = JSON.parse(run.stdout.trim() || 'null') ?? [];
  } catch {
    throw new Error(`atlas migrate lint failed: ${failureLine(run)}`);
  }
  const findings: Finding[] = [];
  for (const linted of files) {
    if (linted.Error && !linted.Reports?.length) {
      findings.push({ file: file.name, line: 1, source: 'atlas', rule: 'error', level: 'fail', message: linted.Error, optOut: '' });
    }
    for (const report of linted.Reports ?? []) {
      for (const d of report.Diagnostics ?? []) {
        const prefix = d.Code.slice(0, 2);
        const analyzer = analyzers[prefix] ?? prefix;
        // A constraint dropped from a table this file created: nothing anyone had (src/gate/squawk-noise.ts). Nor can a
        // UNIQUE constraint or NOT NULL added to it fail on existing rows (data_depend): it has none anyone wrote (pg_dump's
        // `ALTER TABLE ONLY … ADD CONSTRAINT … UNIQUE` after its CREATE TABLE; issue 19).
        if ((prefix === 'CD' || prefix === 'MF') && targetCreatedEarlier(file.text, lineAt(file.text, d.Pos) - 1)) continue;
        findings.push({
          file: file.name,
          line: lineAt(file.text, d.Pos), // the linted text keeps every offset of the real file
          source: 'atlas',
          rule: `${d.Code}, ${analyzer}`,
          level: blocking[prefix] ? 'fail' : 'warn',
          message: d.Text,
          optOut: `-- atlas:nolint ${analyzer}`,
          ...(d.Code === 'DS103' ? subjectOf(droppedColumn(file.text, d.Pos, d.Text)) : {}),
        });
      }
    }
  }
  if (findings.length === 0 && run.code !== 0) throw new Error(`atlas migrate lint failed: ${failureLine(run)}`);
  return findings;
}

const subjectOf = (subject: Finding['subject']) => (subject ? { subject } : {});

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
        'which blocks writes to the table while it builds, is not reported by Atlas here (squawk still reports it).',
    );
  }
  if (!can.namingAnalyzer)
    notes.push(`note: Atlas ${found.version} has no naming analyzer (NM): index and constraint names are not checked.`);
  return notes;
}
