import { redactSecrets } from '../config/redact.ts';
import { exitCodeOf, formatUserError } from '../errors/user-error.ts';

/** `tsx src/commands/main.ts <command> [args]`: what the `db:*` npm scripts run. */
const commands: Record<string, () => Promise<{ default: (args: string[]) => Promise<void> }>> = {
  start: () => import('./db-start.ts'),
  stop: () => import('./db-stop.ts'),
  diff: () => import('./db-diff.ts'),
  new: () => import('./db-new.ts'),
  apply: () => import('./db-apply.ts'),
  status: () => import('./db-status.ts'),
  resolve: () => import('./db-resolve.ts'),
  types: () => import('./db-types.ts'),
  seed: () => import('./db-seed.ts'),
  check: () => import('./db-check.ts'),
  adopt: () => import('./db-adopt.ts'),
  reset: () => import('./db-reset.ts'),
  rebase: () => import('./db-rebase.ts'),
  revert: () => import('./db-revert.ts'),
  sync: () => import('./db-sync.ts'),
};

const [name = '', ...args] = process.argv.slice(2);
const load = commands[name];
if (!load) {
  console.error(`Unknown command "${name}". Commands: ${Object.keys(commands).join(', ')}`);
  process.exit(2);
}
try {
  await (await load()).default(args);
} catch (error) {
  // A UserError (errors/user-error.ts) is a message and what to do; anything else is a bug and shows its stack.
  console.error(`error: ${redactSecrets(formatUserError(error))}`);
  // Exit now, with the code: nothing left open (a pool, a timer) may keep a
  // failed command alive or change how it ends.
  process.exit(exitCodeOf(error));
}
