import { generate } from 'zapatos/generate';
import { tlsOptions } from './tls.ts';

/** Atlas's own bookkeeping table is not part of the app's schema. */
const excludedTables = ['atlas_schema_revisions'];

/**
 * Writes zapatos types for the database at `url` into `<outDir>/zapatos/`.
 * Ids and creation times are set by the database, so the types leave them
 * out of inserts and updates.
 */
export async function generateTypes(url: string, outDir: string, log: (line: string) => void = () => {}): Promise<void> {
  const { connectionString, ssl } = tlsOptions(url);
  const serverSet = { id: { insert: 'excluded', update: 'excluded' }, created_at: { update: 'excluded' } } as const;
  await generate({
    db: { connectionString, ssl: ssl === 'no-verify' ? { rejectUnauthorized: false } : ssl },
    outDir,
    schemas: { public: { include: '*', exclude: excludedTables } },
    columnOptions: { authors: serverSet, books: serverSet },
    progressListener: false,
    warningListener: (message: string) => log(message),
  });
}
