import { resolveTargets } from '../db/targets.ts';
import { atlasOrThrow } from './atlas.ts';
import { targetFlags } from './target-flags.ts';

/** `npm run db:status`: which migrations the database has, which are pending. */
export default async function dbStatus(): Promise<void> {
  const targets = await resolveTargets((line) => console.log(line));
  await atlasOrThrow(['migrate', 'status', ...targetFlags(targets)]);
}
