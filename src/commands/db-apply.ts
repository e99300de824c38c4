import { resolveTargets } from '../db/targets.ts';
import { atlasOrThrow } from './atlas.ts';
import { targetFlags } from './target-flags.ts';

/** `npm run db:apply`: applies pending migrations (on Neon: over the direct URL). */
export default async function dbApply(): Promise<void> {
  const targets = await resolveTargets((line) => console.log(line));
  await atlasOrThrow(['migrate', 'apply', ...targetFlags(targets)]);
}
