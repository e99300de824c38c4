import { sql, type ConnectionPool } from '@databases/pg';
import { repoRoot } from '../atlas/locate.mjs';
import { describeVerdict, gateMigrations, type GateVerdict } from '../check/gate.ts';
import { migrationFiles } from '../check/migration-files.ts';
import { pendingMigrations } from '../check/pending.ts';
import { atlasOrThrow, CommandError } from '../commands/atlas.ts';
import { targetFlags } from '../commands/target-flags.ts';
import { seed } from './seed.ts';

export interface ApplyOptions {
  /** The scratch (dev) database the gate replays migrations in; needed when any is pending. */
  dev: string | undefined;
  /** Echo the Atlas command and its output. */
  echo?: boolean;
  /** The project whose migrations/ to apply (default: this checkout). */
  root?: string;
  /** Where the gate's verdict goes: one summary line, or (with `showWarnings`) each warning too. */
  log?: (line: string) => void;
  showWarnings?: boolean;
}

/** The gate refused the pending migrations; nothing was applied. */
export class GateRefusal extends CommandError {
  constructor(readonly verdict: GateVerdict) {
    const lines = describeVerdict(verdict);
    super(
      `refusing to apply ${verdict.files.length} pending migration(s): the migration gate found ` +
        `${verdict.blockers.length} problem(s); nothing was applied.\n${lines.join('\n')}`,
    );
  }
}

/**
 * The pending migrations and the gate's verdict on them, without applying
 * anything. `verdict` is null when nothing is pending.
 */
export async function judgePending(url: string, options: ApplyOptions): Promise<{ pending: string[]; verdict: GateVerdict | null }> {
  const root = options.root ?? repoRoot;
  const pending = await gateStep(() => pendingMigrations(root, url, options.dev));
  if (pending.length === 0) return { pending, verdict: null };
  if (!options.dev) {
    throw new CommandError(
      `${pending.length} migration(s) pending, and the migration gate needs a scratch database to check them before they run: ` +
        'set ATLAS_DEV_URL to an empty database Atlas may wipe (on Neon: a branch).',
      2,
    );
  }
  const names = migrationFiles(root).map((file) => file.name);
  // Pending files are the newest ones (Atlas applies in order), so the gate
  // judges from the oldest pending file to the end.
  const latest = names.length - Math.max(0, names.indexOf(pending[0]!));
  return { pending, verdict: await gateStep(() => gateMigrations(root, options.dev!, latest)) };
}

/** A gate step that cannot run (Atlas refuses the directory, the dev database is away) stops the apply with its reason. */
async function gateStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof CommandError) throw error;
    throw new CommandError(`the migration gate could not judge the pending migrations, so nothing was applied: ${(error as Error).message}`);
  }
}

/**
 * The one way migrations are applied (`db:apply`, a migrating `npm start`,
 * the tests): the gate judges the pending files first, and refuses them all
 * (GateRefusal) before anything runs; otherwise `atlas migrate apply`
 * against `url` (the direct URL on Neon).
 */
export async function applyMigrations(url: string, options: ApplyOptions): Promise<{ applied: string[] }> {
  const root = options.root ?? repoRoot;
  const { pending, verdict } = await judgePending(url, options);
  if (!verdict) return { applied: [] };
  if (verdict.blockers.length > 0) throw new GateRefusal(verdict);
  if (options.showWarnings) for (const line of describeVerdict(verdict)) options.log?.(line);
  const warnings = verdict.warnings.length;
  options.log?.(
    `migration gate: ${pending.length} pending migration(s) accepted` +
      (warnings ? ` with ${warnings} warning(s)${options.showWarnings ? '' : ' (npm run db:apply -- --dry-run shows them)'}` : ''),
  );
  await atlasOrThrow(['migrate', 'apply', ...targetFlags({ migrate: url, dev: options.dev })], { echo: options.echo ?? false, cwd: root });
  return { applied: pending };
}

/** Seeds the guide's data only into a database with no authors yet. */
export async function seedIfEmpty(pool: ConnectionPool): Promise<boolean> {
  const [row] = await pool.query(sql`SELECT EXISTS (SELECT 1 FROM authors) AS any`);
  if (row?.any) return false;
  await seed(pool);
  return true;
}
