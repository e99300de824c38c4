import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compareCatalogs, describeDifference } from '../catalog/compare.ts';
import { readCatalog } from '../catalog/read.ts';
import { UncomparedObjectsError } from '../catalog/uncompared.ts';
import { withoutPopulatedness } from '../catalog/populated.ts';
import { catalogOfMigrations } from '../catalog/states.ts';
import { atlas, failureLine } from '../atlas/run.ts';
import { targetFlags } from '../atlas/flags.ts';
import { resetScratchDatabase } from '../postgres/scratch.ts';
import { atlasUrl } from '../atlas/flags.ts';
import { fail, pass, type CheckResult } from './result.ts';
import { migrationNames, versionOf } from '../project/migration-files.ts';

const name = 'live database';

interface Status {
  Pending?: { Name: string }[];
  Applied?: { Version: string }[];
  Current?: string;
}

/**
 * (e) The live database against the migrations it has applied: any schema
 * difference was made by hand (drift). Pending migrations are reported,
 * not failed: applying them is the deploy's job (npm run db:apply).
 */
export async function checkLiveDrift(workingRoot: string, devUrl: string, liveUrl: string, excludeTables: string[] = []): Promise<CheckResult> {
  const status = await atlas(
    ['migrate', 'status', ...targetFlags({ migrate: liveUrl, dev: devUrl }), '--format', '{{ json . }}'],
    { echo: false, cwd: workingRoot },
  );
  if (status.code !== 0) return fail(name, `atlas migrate status failed: ${failureLine(status)}`);
  const { Pending = [], Applied = [], Current = '' } = JSON.parse(status.stdout) as Status;
  const pending = Pending.map((file) => file.Name);
  const pendingNote = pending.length ? `${pending.length} pending: ${pending.join(', ')} (npm run db:apply)` : 'no pending migrations';

  const appliedRoot = await appliedProject(workingRoot, Applied.map((a) => a.Version));
  try {
    await resetScratchDatabase(devUrl);
    const from = appliedRoot ? `file://${path.join(appliedRoot, 'migrations')}` : atlasUrl(devUrl); // none applied: an empty schema
    const exclude = excludeTables.flatMap((table) => ['--exclude', table]);
    const diff = await atlas(['schema', 'diff', '--from', from, '--to', atlasUrl(liveUrl), '--dev-url', atlasUrl(devUrl), ...exclude], {
      echo: false,
    });
    if (diff.code !== 0) return fail(name, `atlas schema diff failed: ${failureLine(diff)}`);
    const sql = diff.stdout.trim();
    const atlasDrift = sql === 'Schemas are synced, no changes to be made.' ? [] : sql.split('\n');
    // Everything else (views, functions, triggers, partitions, ...): Postgres' catalogs of both.
    let differences;
    try {
      // The live database first: objects there that the catalog does not compare make "no drift" unsayable.
      const live = await readCatalog(liveUrl, { excludeTables, uncompared: { source: 'the live database' } });
      const applied = appliedRoot ? await catalogOfMigrations(devUrl, appliedRoot) : new Map();
      differences = compareCatalogs(withoutPopulatedness(applied), withoutPopulatedness(live)); // REFRESH in production is not drift
    } catch (error) {
      if (error instanceof UncomparedObjectsError) return fail(name, `cannot tell drift: ${error.summary}`, [...error.details, pendingNote]);
      throw error;
    }
    const at = Current.startsWith('No ') ? 'no migration applied' : `at ${Current}`;
    if (atlasDrift.length === 0 && differences.length === 0) return pass(name, `no drift (${at}); ${pendingNote}`);
    return fail(name, `drift: the live database (${at}) was changed outside migrations/`, [
      ...(atlasDrift.length
        ? ['Changes found in the live database that no applied migration made:', ...atlasDrift.map((line) => `  ${line}`)]
        : []),
      ...(differences.length
        ? [
            `${differences.length} object(s) differ between the applied migrations and the live database (Postgres' catalogs):`,
            ...differences.flatMap((d) => describeDifference(d, ['migrations', 'live database']).map((line) => `  ${line}`)),
          ]
        : []),
      'Put them in schema.sql and a migration (npm run db:diff -- <name>), or undo them by hand.',
      pendingNote,
    ]);
  } finally {
    if (appliedRoot) rmSync(appliedRoot, { recursive: true, force: true });
  }
}

/** A project (atlas.hcl and migrations/) holding only the applied files, or null if none is. */
async function appliedProject(workingRoot: string, versions: string[]): Promise<string | null> {
  if (versions.length === 0) return null;
  const root = mkdtempSync(path.join(tmpdir(), 'bookshelf-applied-'));
  const dir = path.join(root, 'migrations');
  mkdirSync(dir);
  copyFileSync(path.join(workingRoot, 'atlas.hcl'), path.join(root, 'atlas.hcl'));
  for (const file of migrationNames(workingRoot)) {
    if (versions.includes(versionOf(file))) {
      copyFileSync(path.join(workingRoot, 'migrations', file), path.join(dir, file));
    }
  }
  const hash = await atlas(['migrate', 'hash', '--dir', `file://${dir}`], { echo: false });
  if (hash.code !== 0) throw new Error(`atlas migrate hash failed: ${failureLine(hash)}`);
  return root;
}
