import { repoRoot } from '../project/paths.mjs';
import { commandTargets } from './context.ts';
import { revertMigrations } from '../migrate/revert.ts';
import { CommandError } from '../errors/user-error.ts';
import { requireDev } from '../atlas/flags.ts';
import { typesDir, typesFromMigrations } from './db-types.ts';

const usage = 'Usage: npm run db:revert -- <version>   (the version to go back to: every migration after it is undone by a new one)';

/**
 * `npm run db:revert -- <version>`: writes a new migration undoing the ones
 * after <version> and restores schema.sql (src/migrate/revert.ts), then
 * regenerates the zapatos types, as db:diff does.
 */
export default async function dbRevert(args: string[]): Promise<void> {
  const [version, ...rest] = args;
  if (!version || rest.length > 0 || !/^\d+$/.test(version)) throw new CommandError(usage, 2);
  const targets = await commandTargets();
  const dev = requireDev(targets);
  const reverted = await revertMigrations({
    root: repoRoot,
    devUrl: dev,
    version,
    targetUrl: targets.migrate,
    log: (line) => console.log(line),
  });
  console.log('regenerating zapatos types');
  await typesFromMigrations(dev, typesDir, false);
  console.log(
    reverted.refused
      ? `db:revert: migrations/${reverted.file} drops data, so the migration gate refuses it as written (above). ` +
          'If the loss is intended, add the opt-out line it names, run npx atlas migrate hash --env local, then npm run db:apply.'
      : `db:revert: review migrations/${reverted.file}, then run npm run db:apply.`,
  );
}
