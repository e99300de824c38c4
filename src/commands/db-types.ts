import { readdirSync } from 'node:fs';
import path from 'node:path';
import { projectFiles, repoRoot } from '../project/paths.mjs';
import { generateTypes } from '../codegen/generate-types.ts';
import { onEmptyScratchDatabase } from '../postgres/scratch.ts';
import { commandTargets } from './context.ts';
import { atlasOrThrow } from '../atlas/run.ts';
import { prepareScratchRevisions } from '../catalog/scratch-revisions.ts';
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
    // One line of progress, not the replayed SQL (Atlas's echo prints every statement of every migration); when
    // Atlas fails, its error carries its output.
    if (echo) console.log(`Replaying ${countOf(migrationFiles(cwd), 'migration')} on the scratch database for the types...`);
    await prepareScratchRevisions(devUrl, cwd);
    const run = await atlasOrThrow(['migrate', 'apply', ...targetFlags({ migrate: devUrl, dev: undefined })], { echo: false, cwd });
    if (echo && run.stderr.trim()) console.warn(run.stderr.trim());
    await generateTypes(devUrl, outDir, (line) => console.warn(line));
  });
}

const migrationFiles = (root: string) =>
  readdirSync(path.join(root, projectFiles.migrations)).filter((file) => file.endsWith('.sql')).length;
const countOf = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** `npm run db:types`: regenerates src/db/zapatos/schema.d.ts. */
export default async function dbTypes(): Promise<void> {
  const targets = await commandTargets();
  await typesFromMigrations(requireDev(targets), typesDir);
  console.log(`zapatos types written to ${path.relative(process.cwd(), path.join(typesDir, 'zapatos', 'schema.d.ts'))}`);
}
