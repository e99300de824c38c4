import { redactSecrets } from '../config/redact.ts';
import { commandTargets } from './context.ts';
import { CommandError } from '../errors/user-error.ts';

/** `npm run db:start`: starts the embedded Postgres (a no-op if it runs). */
export default async function dbStart(): Promise<void> {
  const targets = await commandTargets();
  if (!targets.embedded) throw new CommandError('DATABASE_URL is set: there is no embedded Postgres to start.', 2);
  console.log(`Postgres is running.\n  app: ${redactSecrets(targets.app)}\n  dev: ${redactSecrets(targets.dev ?? '')}`);
  console.log('Stop it with `npm run db:stop`.');
}
