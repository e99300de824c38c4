import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { changedSince, gitBase } from './changed-migrations.ts';
import type { Replay } from './replay.ts';
import { fail, pass, type CheckResult } from './result.ts';
import { explainSumMismatch } from './sum-diff.ts';
import { hasConflictMarkers, sumConflictMessage } from '../project/sum-conflict.ts';
import { projectFiles } from '../project/paths.mjs';
import { migrationNames } from '../project/migration-files.ts';
import { isAdoptBaseline } from '../catalog/adopt-baseline.ts';

const name = 'migrations intact';

/**
 * (a) atlas.sum matches the files (a mismatch names them) and every file
 * replays on the dev database (the shared replay, see replay.ts).
 * In git, a migration committed at the base and changed since is refused
 * even when atlas.sum was re-hashed to match (Atlas would not notice).
 */
export async function checkMigrationsIntact(projectRoot: string, replay: Replay, freshSum: string, base?: string): Promise<CheckResult> {
  const sumPath = path.join(projectRoot, projectFiles.migrations, 'atlas.sum');
  const committed = existsSync(sumPath) ? readFileSync(sumPath, 'utf8') : undefined;
  // A merge left git's markers in it: its lines are no file names, and the fix is not a restore.
  if (committed !== undefined && hasConflictMarkers(committed)) {
    return fail(name, sumConflictMessage, [
      'db:rebase puts this branch’s migrations after the base branch’s, writes atlas.sum anew and proves the result.',
    ]);
  }
  const problems = explainSumMismatch(committed, freshSum);
  const ref = gitBase(projectRoot, base);
  if (ref) {
    const replaced = replacedByAdoption(projectRoot);
    for (const file of changedSince(projectRoot, ref, 'MD')) {
      if (replaced(file)) continue;
      problems.push(`migrations/${file} was changed or deleted after it was committed (compared with ${ref})`);
    }
  }
  if (problems.length > 0) {
    return fail(name, problems[0]!, [
      ...problems.slice(1),
      'A committed migration may already be applied somewhere: never edit, rename or reorder one.',
      'Restore it (git checkout -- migrations/) and put the change in a new migration: edit schema.sql, then npm run db:diff -- <name>.',
      'Only for a migration that no database has applied yet: after editing it, run npx atlas migrate hash --env local.',
    ]);
  }
  if (replay.failure) return fail(name, `a migration does not replay on the dev database: ${replay.failure}`);
  return pass(name, 'atlas.sum matches every file and each file replays on the dev database');
}

/**
 * A migration deleted because `db:adopt -- --replace` replaced it: migrations/
 * starts with the baseline db:adopt wrote, and the file is gone and sorts
 * before it (the adopted database never ran it). A file changed, or one after
 * the baseline, is still refused.
 */
function replacedByAdoption(projectRoot: string): (file: string) => boolean {
  const first = migrationNames(projectRoot)[0];
  const dir = path.join(projectRoot, projectFiles.migrations);
  if (!first || !isAdoptBaseline(readFileSync(path.join(dir, first), 'utf8'))) return () => false;
  return (file) => !existsSync(path.join(dir, file)) && file < first; // Atlas's order: by name, the version first
}
