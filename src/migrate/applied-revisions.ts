import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CommandError } from '../errors/user-error.ts';
import { withClient } from '../postgres/client.ts';
import { versionOf } from '../project/migration-files.ts';
import { projectFiles } from '../project/paths.mjs';

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

/**
 * Records migration files as applied without running them (db:sync, once
 * their changes are made), each row as Atlas's `migrate set` writes one:
 * type 4 (resolved), no statements run, the file's hash from atlas.sum.
 * `atlas migrate set` itself cannot: v0.13.1 marks only files after the
 * last revision, never one that sorts before it. One statement: all or none.
 */
export async function recordRevisions(url: string, root: string, files: string[]): Promise<void> {
  if (files.length === 0) return;
  const sums = new Map(
    readFileSync(path.join(root, projectFiles.sum), 'utf8')
      .split('\n')
      .map((line) => /^(\S+\.sql) h1:(\S+)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => [match[1]!, match[2]!]),
  );
  const hashes = files.map((file) => {
    const hash = sums.get(file);
    if (!hash) throw new CommandError(`${file} is not in atlas.sum: run npx atlas migrate hash --env local`);
    return hash;
  });
  const descriptions = files.map((file) => path.basename(file, '.sql').slice(versionOf(file).length + 1));
  await withClient(url, (client) =>
    client.query(
      `INSERT INTO ${table} (version, description, type, applied, total, executed_at, execution_time, error, error_stmt, hash, operator_version)
       SELECT v, d, 4, 0, 0, now(), 0, '', '', h, 'bookshelf db:sync' FROM unnest($1::text[], $2::text[], $3::text[]) AS f(v, d, h)`,
      [files.map(versionOf), descriptions, hashes],
    ),
  );
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
