import path from 'node:path';
import { repoRoot } from '../project/paths.mjs';
import { generateTypes } from '../codegen/generate-types.ts';
import { onEmptyScratchDatabase } from '../postgres/scratch.ts';
import { commandTargets } from './context.ts';
import { atlasOrThrow } from '../atlas/run.ts';
import { requireDev, targetFlags } from '../atlas/flags.ts';

export const typesDir = path.join(repoRoot, 'src', 'db');

/**
 * Types from the migrations, not from whatever a database happens to hold:
 * replays migrations/ into the scratch (dev) database, runs zapatos on it,
 * and empties it again. `cwd` is the project whose atlas.hcl and migrations/
 * are used (default: this repository).
 */
export async function typesFromMigrations(devUrl: string, outDir: string, echo = true, cwd = repoRoot): Promise<void> {
  await onEmptyScratchDatabase(devUrl, async () => {
    await atlasOrThrow(['migrate', 'apply', ...targetFlags({ migrate: devUrl, dev: undefined })], { echo, cwd });
    await generateTypes(devUrl, outDir, (line) => console.warn(line));
  });
}

/** `npm run db:types`: regenerates src/db/zapatos/schema.d.ts. */
export default async function dbTypes(): Promise<void> {
  const targets = await commandTargets();
  await typesFromMigrations(requireDev(targets), typesDir);
  console.log(`zapatos types written to ${path.relative(process.cwd(), path.join(typesDir, 'zapatos', 'schema.d.ts'))}`);
}
