import { withClient } from '../postgres/client.ts';
import { versionOf } from '../project/migration-files.ts';

/**
 * The versions Atlas recorded as applied on a database (its revisions
 * table), and those of them this checkout's migrations/ does not have: the
 * local database of a developer who switched branches, or a target that a
 * newer checkout migrated. Atlas v0.13.1 does not notice them; applying on
 * top would mix two branches' schemas.
 */
const table = 'atlas_schema_revisions.atlas_schema_revisions';

export async function appliedVersions(url: string): Promise<string[]> {
  return withClient(url, async (client) => {
    try {
      // Atlas keeps a row of its own (a version starting with a dot) beside the migrations'.
      const { rows } = await client.query<{ version: string }>(`SELECT version FROM ${table} WHERE version NOT LIKE '.%' ORDER BY version`);
      return rows.map((row) => row.version);
    } catch (error) {
      if (['42P01', '3F000'].includes((error as { code?: string }).code ?? '')) return []; // never migrated
      throw error;
    }
  });
}

export async function unknownRevisions(url: string, files: string[]): Promise<string[]> {
  const known = new Set(files.map(versionOf));
  const applied = await appliedVersions(url).catch((error: { code?: string }) => {
    if (error.code === '42501') return []; // a role that may not read the revisions: Atlas's own status says what it can
    throw error;
  });
  return applied.filter((version) => !known.has(version));
}

/** Forgets the revisions of migrations this checkout does not have (db:sync, once their changes are undone). */
export async function forgetRevisions(url: string, versions: string[]): Promise<void> {
  if (versions.length === 0) return;
  await withClient(url, (client) => client.query(`DELETE FROM ${table} WHERE version = ANY($1)`, [versions]));
}

/** What db:apply (and a migrating npm start) says about such a database. */
export function describeUnknownRevisions(versions: string[]): string {
  return (
    `the database has ${versions.length} migration(s) applied that this checkout's migrations/ does not have: ${versions.join(', ')} ` +
    '(another branch’s, or a newer checkout’s); nothing was applied. ' +
    'On the local embedded database after switching branches: npm run db:sync brings it to this checkout (keeping its rows). ' +
    'Elsewhere: check out or merge the code that has those migrations.'
  );
}
