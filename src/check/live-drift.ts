import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { atlas, failureLine } from '../commands/atlas.ts';
import { targetFlags } from '../commands/target-flags.ts';
import { resetScratchDatabase } from '../db/scratch.ts';
import { atlasUrl } from '../db/targets.ts';
import { fail, pass, type CheckResult } from './result.ts';

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
export async function checkLiveDrift(workingRoot: string, devUrl: string, liveUrl: string): Promise<CheckResult> {
  const status = await atlas(
    ['migrate', 'status', ...targetFlags({ migrate: liveUrl, dev: devUrl }), '--format', '{{ json . }}'],
    { echo: false, cwd: workingRoot },
  );
  if (status.code !== 0) return fail(name, `atlas migrate status failed: ${failureLine(status)}`);
  const { Pending = [], Applied = [], Current = '' } = JSON.parse(status.stdout) as Status;
  const pending = Pending.map((file) => file.Name);
  const pendingNote = pending.length ? `${pending.length} pending: ${pending.join(', ')} (npm run db:apply)` : 'no pending migrations';

  const appliedState = await appliedMigrationsDir(workingRoot, Applied.map((a) => a.Version));
  try {
    await resetScratchDatabase(devUrl);
    const from = appliedState ? `file://${appliedState}` : atlasUrl(devUrl); // none applied: an empty schema
    const diff = await atlas(['schema', 'diff', '--from', from, '--to', atlasUrl(liveUrl), '--dev-url', atlasUrl(devUrl)], {
      echo: false,
    });
    if (diff.code !== 0) return fail(name, `atlas schema diff failed: ${failureLine(diff)}`);
    const sql = diff.stdout.trim();
    const at = Current.startsWith('No ') ? 'no migration applied' : `at ${Current}`;
    if (sql === 'Schemas are synced, no changes to be made.') return pass(name, `no drift (${at}); ${pendingNote}`);
    return fail(name, `drift: the live database (${at}) was changed outside migrations/`, [
      'Changes found in the live database that no applied migration made:',
      ...sql.split('\n').map((line) => `  ${line}`),
      'Put them in schema.sql and a migration (npm run db:diff -- <name>), or undo them by hand.',
      pendingNote,
    ]);
  } finally {
    if (appliedState) rmSync(appliedState, { recursive: true, force: true });
  }
}

/** A migrations directory holding only the applied files, or null if none is. */
async function appliedMigrationsDir(workingRoot: string, versions: string[]): Promise<string | null> {
  if (versions.length === 0) return null;
  const dir = mkdtempSync(path.join(tmpdir(), 'bookshelf-applied-'));
  for (const file of readdirSync(path.join(workingRoot, 'migrations'))) {
    if (versions.some((version) => file.startsWith(`${version}_`) || file === `${version}.sql`)) {
      copyFileSync(path.join(workingRoot, 'migrations', file), path.join(dir, file));
    }
  }
  const hash = await atlas(['migrate', 'hash', '--dir', `file://${dir}`], { echo: false });
  if (hash.code !== 0) throw new Error(`atlas migrate hash failed: ${failureLine(hash)}`);
  return dir;
}
