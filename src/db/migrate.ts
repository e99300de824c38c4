import { sql, type ConnectionPool } from '@databases/pg';
import { atlasOrThrow } from '../commands/atlas.ts';
import { targetFlags } from '../commands/target-flags.ts';
import { seed } from './seed.ts';

/** `atlas migrate apply` against `url` (the direct URL on Neon). */
export async function applyMigrations(url: string, echo = false): Promise<void> {
  await atlasOrThrow(['migrate', 'apply', ...targetFlags({ migrate: url, dev: undefined })], { echo });
}

/** Seeds the guide's data only into a database with no authors yet. */
export async function seedIfEmpty(pool: ConnectionPool): Promise<boolean> {
  const [row] = await pool.query(sql`SELECT EXISTS (SELECT 1 FROM authors) AS any`);
  if (row?.any) return false;
  await seed(pool);
  return true;
}
