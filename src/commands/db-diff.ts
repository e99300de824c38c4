import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../project/paths.mjs';
import { describeIgnored, schemaSource } from '../project/schema-source.ts';
import { diffMigration } from '../catalog/diff-migration.ts';
import { commandTargets } from './context.ts';
import { CommandError } from '../errors/user-error.ts';
import { requireDev, targetFlags } from '../atlas/flags.ts';
import { typesDir, typesFromMigrations } from './db-types.ts';
import { restoringOnFailure } from '../project/restore-on-failure.ts';

/**
 * `npm run db:diff -- <name>`: lets Atlas write the migration from migrations/
 * to schema.sql and completes it with what Atlas does not diff
 * (src/catalog/diff-migration.ts), then regenerates the zapatos types.
 */
export default async function dbDiff(args: string[]): Promise<void> {
  const [name, ...rest] = args;
  if (!name || rest.length > 0 || !/^[a-z0-9_]+$/i.test(name)) {
    throw new CommandError('Usage: npm run db:diff -- <name>   (letters, digits and _; e.g. add_country_to_author)', 2);
  }
  const targets = await commandTargets();
  const dev = requireDev(targets);
  // What bookshelf leaves out of schema.sql (a pg_dump file's \restrict, OWNER TO, ...), said once.
  for (const note of describeIgnored(schemaSource(readFileSync(path.join(repoRoot, 'schema.sql'), 'utf8')))) console.log(note);
  // All or nothing: a failure on the way (even in the types, after the migration was written) leaves the project as it was.
  const written = await restoringOnFailure(repoRoot, async () => {
    const file = await diffMigration({ root: repoRoot, devUrl: dev, name, atlasFlags: targetFlags(targets) });
    if (file) {
      console.log('regenerating zapatos types');
      await typesFromMigrations(dev, typesDir, false);
    }
    return file;
  });
  if (written) console.log(`wrote migrations/${written}: review it, then run \`npm run db:apply\``);
}
