import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { compareCatalogs, describeDifference, type Difference } from '../catalog/compare.ts';
import { catalogOfFiles, projectCopy, type FileChoice } from '../catalog/files-state.ts';
import { hashMigrations } from '../catalog/migration-file.ts';
import { catalogOfMigrations, catalogOfSchemaFile } from '../catalog/states.ts';
import { migrationFiles } from '../project/migration-files.ts';
import { CommandError } from '../errors/user-error.ts';
import { git, isTracked, migrationsAt, refExists } from '../project/git.ts';
import { hasConflictMarkers } from '../project/sum-conflict.ts';
import { descriptionOf, nextVersions } from './versions.ts';
import { versionOf } from '../project/migration-files.ts';
import { projectFiles } from '../project/paths.mjs';

export interface RebaseOptions {
  /** The project (a git checkout): atlas.hcl, schema.sql, migrations/. */
  root: string;
  /** The scratch (dev) database every state is replayed on. */
  devUrl: string;
  /** The base branch (default: origin/main if it exists, else main). */
  base?: string | undefined;
  log?: (line: string) => void;
}

export interface RebaseResult {
  base: string;
  /** This branch's files, renamed to sort after the base's newest. */
  moved: { from: string; to: string }[];
  /** atlas.sum held conflict markers and was written anew. */
  sumResolved: boolean;
  /** Objects compared between replaying migrations/ and loading schema.sql. */
  compared: number;
}

/** Both branches changed the same object: db:rebase will not guess which change wins. */
class RebaseConflict extends CommandError {}

/**
 * `npm run db:rebase`: after merging (or rebasing onto) the base branch,
 * this branch's new migrations (the files the base branch does not have)
 * move after the base's newest file, under new versions with the same
 * content, so every database that applied the base's files also runs ours
 * (Atlas v0.13.1 silently skips a file that sorts before the last one it
 * applied). Then atlas.sum is written anew by `atlas migrate hash` (which is
 * also how a conflicted atlas.sum is resolved), and the result is proven:
 * replaying every file gives exactly schema.sql in Postgres' catalogs.
 *
 * Before anything moves: when the base's files made since this branch's
 * oldest file and this branch's files change the same object (a column, an
 * index, a view...), each replayed from the state before both, the objects
 * are named and nothing is touched. The moved files are proven in a copy of
 * the project first, so a failure leaves the checkout as it was.
 */
export async function rebaseMigrations({ root, devUrl, base: explicit, log = () => {} }: RebaseOptions): Promise<RebaseResult> {
  const base = chooseBase(root, explicit);
  const schemaPath = path.join(root, projectFiles.schema);
  if (existsSync(schemaPath) && hasConflictMarkers(readFileSync(schemaPath, 'utf8'))) {
    throw new CommandError(
      'db:rebase: schema.sql has merge conflict markers. Resolve them by hand first (schema.sql must hold both branches’ changes), ' +
        'then run npm run db:rebase: it proves the merged migrations give exactly that schema.sql.',
      2,
    );
  }
  const baseFiles = migrationsAt(root, base);
  if (baseFiles === null) throw new CommandError(`db:rebase: git cannot list migrations/ of ${base}.`, 2);
  const local = migrationFiles(root).map((file) => file.name);
  const missing = baseFiles.filter((file) => !local.includes(file));
  if (missing.length > 0) {
    throw new CommandError(
      `db:rebase: ${base} has ${missing.length} migration(s) this checkout does not: ${missing.join(', ')}.\n` +
        `Merge or rebase ${base} first (git merge ${base}), then run npm run db:rebase.`,
      2,
    );
  }
  const inBase = new Set(baseFiles);
  const ours = local.filter((file) => !inBase.has(file));
  const sumPath = path.join(root, projectFiles.migrations, 'atlas.sum');
  const sumConflicted = existsSync(sumPath) && hasConflictMarkers(readFileSync(sumPath, 'utf8'));
  const newestBase = baseFiles.at(-1);
  log(`db:rebase: base ${base} (${baseFiles.length} migration(s)); this branch's new ones: ${ours.length ? ours.join(', ') : 'none'}`);

  const concurrent = ours.length && newestBase ? baseFiles.filter((file) => file > ours[0]!) : [];
  if (concurrent.length > 0) await refuseConflicts(root, devUrl, base, baseFiles, ours, concurrent, log);

  const versions = concurrent.length > 0 ? nextVersions(versionOf(newestBase!), ours.length) : [];
  const moved = concurrent.length > 0 ? ours.map((from, i) => ({ from, to: `${versions[i]}_${descriptionOf(from)}` })) : [];
  const order: FileChoice[] = [...baseFiles, ...(moved.length ? moved.map(({ from, to }): FileChoice => [from, to]) : ours)];
  const compared = await prove(root, devUrl, order);

  for (const { from, to } of moved) {
    const [a, b] = [path.join(projectFiles.migrations, from), path.join(projectFiles.migrations, to)];
    if (isTracked(root, a)) {
      if (git(root, 'mv', a, b) === null)
        throw new CommandError(`db:rebase: git mv ${a} ${b} failed; migrations/ is as it was up to that file.`);
    } else {
      renameSync(path.join(root, a), path.join(root, b));
    }
    log(`moved migrations/${from} -> migrations/${to}`);
  }
  await hashMigrations(root);
  if (sumConflicted && isTracked(root, 'migrations/atlas.sum')) git(root, 'add', '--', 'migrations/atlas.sum');
  log(sumConflicted ? 'wrote migrations/atlas.sum anew (its merge conflict is resolved)' : 'wrote migrations/atlas.sum anew');
  log(`replaying every migration gives exactly schema.sql (${compared} objects compared in Postgres' catalogs)`);
  return { base, moved, sumResolved: sumConflicted, compared };
}

/** The base branch: the one given (it must exist), else origin/main, else main. */
function chooseBase(root: string, explicit: string | undefined): string {
  if (git(root, 'rev-parse', '--git-dir') === null) {
    throw new CommandError(
      'db:rebase needs git: it asks the base branch which migrations it has. Run it in the project’s git checkout.',
      2,
    );
  }
  for (const ref of explicit ? [explicit] : ['origin/main', 'main']) if (refExists(root, ref)) return ref;
  throw new CommandError(
    explicit
      ? `db:rebase: --base ${explicit} is not a branch or commit here.`
      : 'db:rebase: neither origin/main nor main exists: name the base branch with --base <ref>.',
    2,
  );
}

/**
 * The state before both branches' files (the base's files older than our
 * oldest), then each branch's files on it: an object both change is a
 * conflict, whatever the order would do to it.
 */
async function refuseConflicts(
  root: string,
  devUrl: string,
  base: string,
  baseFiles: string[],
  ours: string[],
  concurrent: string[],
  log: (line: string) => void,
): Promise<void> {
  const fork = baseFiles.filter((file) => file < ours[0]!);
  log(`checking for conflicts: ${base}'s ${concurrent.join(', ')} against this branch's ${ours.join(', ')}`);
  const before = await catalogOfFiles(devUrl, root, fork);
  const afterOurs = await replayed(devUrl, root, [...fork, ...ours], 'this branch’s migrations');
  const afterBase = await replayed(devUrl, root, [...fork, ...concurrent], `${base}’s migrations`);
  const oursChanged = new Map(compareCatalogs(before, afterOurs).map((d) => [key(d), d]));
  const both = compareCatalogs(before, afterBase).filter((d) => oursChanged.has(key(d)));
  if (both.length === 0) return;
  throw new RebaseConflict(
    [
      `db:rebase: both branches changed the same ${both.length === 1 ? 'object' : `${both.length} objects`}; nothing was moved or rewritten.`,
      ...both.flatMap((theirs) => {
        const mine = oursChanged.get(key(theirs))!;
        return [
          `  ${theirs.kind} ${theirs.name}:`,
          `    ${base} (${concurrent.join(', ')}): ${change(theirs)}`,
          `    this branch (${ours.join(', ')}): ${change(mine)}`,
        ];
      }),
      'Decide what the object should be: put that in schema.sql, take this branch’s file(s) for it out of migrations/ ' +
        '(they never reached a shared database), run npx atlas migrate hash --env local and npm run db:diff -- <name> for what is left, ' +
        'then npm run db:rebase again.',
    ].join('\n'),
  );
}

async function replayed(devUrl: string, root: string, files: string[], what: string) {
  try {
    return await catalogOfFiles(devUrl, root, files);
  } catch (error) {
    throw new CommandError(`db:rebase: ${what} do not replay on the scratch database: ${(error as Error).message}; nothing was moved.`);
  }
}

const key = (difference: Difference) => `${difference.kind} ${difference.name}`;

function change(difference: Difference): string {
  if (difference.left === undefined) return `creates it: ${difference.right}`;
  if (difference.right === undefined) return 'drops it';
  return `changes it to ${difference.right}`;
}

/** The files in their new order, in a copy: replayed, they must give exactly schema.sql. */
async function prove(root: string, devUrl: string, order: FileChoice[]): Promise<number> {
  const copy = await projectCopy(root, order);
  try {
    let replayedCatalog;
    try {
      replayedCatalog = await catalogOfMigrations(devUrl, copy.root);
    } catch (error) {
      throw new CommandError(`db:rebase: the migrations in their new order do not replay: ${(error as Error).message}\nNothing was moved.`);
    }
    const declared = await catalogOfSchemaFile(devUrl, copy.root);
    const differences = compareCatalogs(replayedCatalog, declared);
    if (differences.length > 0) {
      throw new CommandError(
        [
          `db:rebase: replaying the migrations in their new order does not give schema.sql (${differences.length} object(s) differ); nothing was moved.`,
          ...differences.flatMap((d) => describeDifference(d, ['migrations', 'schema.sql']).map((line) => `  ${line}`)),
          'schema.sql must hold both branches’ changes (after a merge conflict in it, check what you kept); ' +
            'a change no migration makes yet needs npm run db:diff -- <name>.',
        ].join('\n'),
      );
    }
    return declared.size;
  } finally {
    copy.dispose();
  }
}
