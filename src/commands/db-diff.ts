import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, projectFiles } from '../project/paths.mjs';
import { describeIgnored, schemaSource } from '../project/schema-source.ts';
import { diffMigrationWithTypes } from '../codegen/diff-types.ts';
import { commandTargets } from './context.ts';
import { CommandError } from '../errors/user-error.ts';
import { requireDev, targetFlags } from '../atlas/flags.ts';
import { runClientTypes } from '../project/client-types.ts';
import { typesDir } from './db-types.ts';
import { generatedFolders, restoringOnFailure } from '../project/restore-on-failure.ts';

/**
 * `npm run db:diff -- <name>`: lets Atlas write the migration from migrations/
 * to schema.sql and completes it with what Atlas does not diff
 * (src/catalog/diff-migration.ts), then regenerates the zapatos types and
 * the API shapes from the replay that proved the migration
 * (src/codegen/diff-types.ts), and the typed client's types made from them.
 */
export default async function dbDiff(args: string[]): Promise<void> {
  const [name, ...rest] = args;
  if (!name || rest.length > 0 || !/^[a-z0-9_]+$/i.test(name)) {
    throw new CommandError('Usage: npm run db:diff -- <name>   (letters, digits and _; e.g. add_country_to_author)', 2);
  }
  const targets = await commandTargets();
  const dev = requireDev(targets);
  // What bookshelf leaves out of schema.sql (a pg_dump file's \restrict, OWNER TO, ...), said once.
  for (const note of describeIgnored(schemaSource(readFileSync(path.join(repoRoot, projectFiles.schema), 'utf8')))) console.log(note);
  // All or nothing: a failure on the way (even in the types or the typed client, after the migration was written)
  // leaves the project as it was, src/client/ included.
  const written = await restoringOnFailure(repoRoot, async () => {
    const file = await diffMigrationWithTypes({ root: repoRoot, devUrl: dev, name, atlasFlags: targetFlags(targets), outDir: typesDir });
    if (file) {
      console.log('regenerating the typed client (src/client/api-types.ts)');
      const client = await runClientTypes(repoRoot, 'write');
      if (client.code !== 0) {
        throw new CommandError(
          `The typed client's types could not be written:\n${client.output}\nFix that, then run \`npm run db:diff\` again.`,
        );
      }
    }
    return file;
  }, [...generatedFolders, path.join('src', 'client')]);
  if (written) console.log(`wrote migrations/${written}: review it, then run \`npm run db:apply\``);
}
