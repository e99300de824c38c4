import { parseArgs } from 'node:util';
import { dataImpact } from '../gate/data-impact.ts';
import type { Finding } from '../gate/finding.ts';
import { describeVerdict } from '../gate/gate.ts';
import { redactSecrets } from '../config/redact.ts';
import { applyMigrations, GateRefusal, judgePending } from '../migrate/apply.ts';
import { commandTargets } from './context.ts';
import { atlasOrThrow } from '../atlas/run.ts';
import { CommandError } from '../errors/user-error.ts';
import { targetFlags } from '../atlas/flags.ts';
import { npmTookDryRun } from './npm-dry-run.ts';

const usage = 'Usage: npm run db:apply -- [--dry-run]';

/**
 * `npm run db:apply`: the migration gate judges the pending migrations, then
 * Atlas applies them (on Neon: over the direct URL). A refusal applies
 * nothing, and counts the target's rows its data-loss findings would have
 * touched. `--dry-run` prints the SQL that would run, the gate's verdict and
 * those row counts, applies nothing, and exits 1 if the gate would refuse.
 */
export default async function dbApply(args: string[] = []): Promise<void> {
  const dryRun = parseFlags(args);
  const targets = await commandTargets();
  const options = { dev: targets.dev, echo: true, log: (line: string) => console.log(line), showWarnings: true };
  if (!dryRun) {
    try {
      const { applied } = await applyMigrations(targets.migrate, options);
      console.log(
        applied.length ? `db:apply: applied ${applied.length} migration(s): ${applied.join(', ')}` : 'db:apply: no pending migrations',
      );
      return;
    } catch (error) {
      if (!(error instanceof GateRefusal)) throw error;
      // The refusal, and what it saved: the rows the refused data-loss findings would have touched.
      const rows = await countRows(targets.migrate, error.verdict.blockers);
      throw new CommandError([error.message, ...rows].join('\n'));
    }
  }
  const { pending, verdict } = await judgePending(targets.migrate, options);
  if (!verdict) {
    console.log('db:apply --dry-run: no pending migrations');
    return;
  }
  await atlasOrThrow(['migrate', 'apply', ...targetFlags(targets), '--dry-run']);
  console.log(
    `The migration gate on ${pending.length} pending file(s):${verdict.blockers.length + verdict.warnings.length ? '' : ' nothing found'}`,
  );
  for (const line of describeVerdict(verdict)) console.log(line);
  for (const line of await countRows(targets.migrate, [...verdict.blockers, ...verdict.warnings])) console.log(line);
  if (verdict.blockers.length > 0) {
    throw new CommandError(
      `db:apply --dry-run: the migration gate would refuse ${pending.length} pending migration(s) (${verdict.blockers.length} problem(s)); nothing was applied.`,
    );
  }
  console.log(`db:apply --dry-run: the migration gate accepts ${pending.length} pending migration(s); nothing was applied.`);
}

/** dataImpact, whose failure (the target away) is one line, never in place of the verdict. */
function countRows(url: string, findings: Finding[]): Promise<string[]> {
  return dataImpact(url, findings).catch((error: unknown) => [`rows: not counted (${redactSecrets((error as Error).message)})`]);
}

function parseFlags(args: string[]): boolean {
  if (npmTookDryRun()) {
    console.log('db:apply: npm took --dry-run as its own flag (npm_config_dry_run=true): running as `npm run db:apply -- --dry-run`.');
    return true;
  }
  try {
    return parseArgs({ args, options: { 'dry-run': { type: 'boolean' } } }).values['dry-run'] ?? false;
  } catch (error) {
    throw new CommandError(`${(error as Error).message}\n${usage}`, 2);
  }
}
