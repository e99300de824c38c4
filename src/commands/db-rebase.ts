import { parseArgs } from 'node:util';
import { repoRoot } from '../project/paths.mjs';
import { commandTargets } from './context.ts';
import { rebaseMigrations } from '../migrate/rebase.ts';
import { CommandError } from '../errors/user-error.ts';
import { requireDev } from '../atlas/flags.ts';

const usage = 'Usage: npm run db:rebase -- [--base <ref>]   (default base: origin/main if it exists, else main)';

/**
 * `npm run db:rebase`: after `git merge main` (or a rebase), puts this
 * branch's new migrations after main's and proves the result equals
 * schema.sql (src/migrate/rebase.ts).
 */
export default async function dbRebase(args: string[]): Promise<void> {
  const base = parse(args);
  const dev = requireDev(await commandTargets());
  const result = await rebaseMigrations({ root: repoRoot, devUrl: dev, base, log: (line) => console.log(line) });
  console.log(
    result.moved.length
      ? `db:rebase: ${result.moved.length} migration(s) now run after ${result.base}'s. Commit migrations/ (git add migrations && git commit).`
      : `db:rebase: this branch's migrations already run after ${result.base}'s; nothing moved.${result.sumResolved ? ' Commit migrations/atlas.sum.' : ''}`,
  );
}

function parse(args: string[]): string | undefined {
  try {
    return parseArgs({ args, options: { base: { type: 'string' } } }).values.base;
  } catch (error) {
    throw new CommandError(`${(error as Error).message}\n${usage}`, 2);
  }
}
