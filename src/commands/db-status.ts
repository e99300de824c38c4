import { commandTargets } from './context.ts';
import { atlasOrThrow } from '../atlas/run.ts';
import { targetFlags } from '../atlas/flags.ts';

/** `npm run db:status`: which migrations the database has, which are pending. */
export default async function dbStatus(): Promise<void> {
  const targets = await commandTargets();
  await atlasOrThrow(['migrate', 'status', ...targetFlags(targets)]);
}
