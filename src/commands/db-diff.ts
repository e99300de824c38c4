import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../atlas/locate.mjs';
import { writeSchemaSource } from '../catalog/schema-source.ts';
import { onEmptyScratchDatabase } from '../db/scratch.ts';
import { resolveTargets } from '../db/targets.ts';
import { atlasOrThrow, CommandError } from './atlas.ts';
import { requireDev, targetFlags } from './target-flags.ts';
import { typesDir, typesFromMigrations } from './db-types.ts';

const migrationsDir = path.join(repoRoot, 'migrations');
const listMigrations = () => new Set(readdirSync(migrationsDir).filter((file) => file.endsWith('.sql')));

/**
 * `npm run db:diff -- <name>`: lets Atlas write the migration from migrations/
 * to schema.sql, then regenerates the zapatos types.
 */
export default async function dbDiff(args: string[]): Promise<void> {
  const [name, ...rest] = args;
  if (!name || rest.length > 0 || !/^[a-z0-9_]+$/i.test(name)) {
    throw new CommandError('Usage: npm run db:diff -- <name>   (letters, digits and _; e.g. add_country_to_author)', 2);
  }
  const targets = await resolveTargets((line) => console.log(line));
  const dev = requireDev(targets);
  const before = listMigrations();
  const scratch = mkdtempSync(path.join(tmpdir(), 'bookshelf-schema-'));
  try {
    const source = writeSchemaSource(repoRoot, scratch);
    for (const note of source.notes) console.log(note);
    await onEmptyScratchDatabase(dev, () => atlasOrThrow(['migrate', 'diff', name, ...targetFlags(targets), '--to', `file://${source.file}`]));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const written = [...listMigrations()].filter((file) => !before.has(file));
  if (written.length === 0) return;

  console.log('regenerating zapatos types');
  await typesFromMigrations(dev, typesDir, false);
  for (const file of written) console.log(`wrote migrations/${file}: review it, then run \`npm run db:apply\``);
}
