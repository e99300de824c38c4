import { repoRoot } from '../project/paths.mjs';
import { newMigration } from '../catalog/migration-file.ts';
import { CommandError } from '../errors/user-error.ts';

/**
 * `npm run db:new -- <name>`: an empty migration, already in atlas.sum, for
 * SQL written by hand (what db:diff does not write itself). db:check then
 * verifies it like any other: replaying migrations/ must give schema.sql.
 */
export default async function dbNew(args: string[]): Promise<void> {
  const [name, ...rest] = args;
  if (!name || rest.length > 0 || !/^[a-z0-9_]+$/i.test(name)) {
    throw new CommandError('Usage: npm run db:new -- <name>   (letters, digits and _; e.g. backfill_isbn)', 2);
  }
  const file = await newMigration(repoRoot, name);
  console.log(
    `wrote migrations/${file} (empty, in atlas.sum): write its SQL, re-hash with \`npx atlas migrate hash --env local\`, ` +
      'put the same objects in schema.sql, then run `npm run db:check`',
  );
}
