import { createPool } from '../db/pool.ts';
import { seed } from '../db/seed.ts';
import { commandTargets } from './context.ts';

/** `npm run db:seed`: loads the guide's authors and books (safe to repeat). */
export default async function dbSeed(): Promise<void> {
  const targets = await commandTargets();
  const pool = createPool({ url: targets.app, size: 1 });
  try {
    const { authorsAdded, booksAdded } = await seed(pool);
    console.log(`seeded: ${authorsAdded} authors and ${booksAdded} books added`);
  } finally {
    await pool.dispose();
  }
}
