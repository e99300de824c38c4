import type { Catalog, CatalogObject } from './object.ts';
import { queries } from './queries.ts';
import { connectClient } from '../postgres/client.ts';
import { uncomparedObjects } from './census.ts';
import { UncomparedObjectsError } from './uncompared.ts';

/**
 * Everything a database's schemas hold, read from Postgres' own catalogs
 * (the pg_get_*def functions; the embedded Postgres ships no pg_dump), as
 * one text per object: the SQL that creates it, in Postgres' own words.
 * Two databases are equal when their texts are.
 *
 * Read with an empty search_path, so every name in those texts is
 * schema-qualified and the same whatever the connection's settings.
 * Not read: owners and grants (roles differ between environments), data,
 * statistics, sequence positions, and objects that belong to an extension
 * (the extension is read instead).
 */
export interface ReadOptions {
  /** Schemas left out (default: Atlas's revisions schema). */
  excludeSchemas?: string[];
  /** Tables in `public` that schema.sql does not manage (SCHEMA_EXCLUDE, e.g. alembic_version), with all that hangs on them. */
  excludeTables?: string[];
  /**
   * Objects the reader does not read (census.ts) fail the read, naming them
   * as held by `source` (default "the database"): a comparison of what was
   * not read must never say "equal". `false` only for a caller that reports
   * them itself.
   */
  uncompared?: { source: string } | false;
}

const defaultExcludedSchemas = ['atlas_schema_revisions'];

export async function readCatalog(
  url: string,
  { excludeSchemas = defaultExcludedSchemas, excludeTables = [], uncompared = { source: 'the database' } }: ReadOptions = {},
): Promise<Catalog> {
  const client = await connectClient(url);
  try {
    await client.query(`SELECT pg_catalog.set_config('search_path', '', false)`);
    if (uncompared) {
      const found = await uncomparedObjects(client, excludeSchemas, excludeTables);
      if (found.length > 0) throw new UncomparedObjectsError(found, uncompared.source);
    }
    const objects: CatalogObject[] = [];
    for (const query of queries) {
      const { rows } = await client.query(query.sql, query.sql.includes('$1') ? [excludeSchemas] : []);
      for (const row of rows) objects.push(...query.objects(row));
    }
    const excluded = excludeTables.map((table) => `public.${table}`);
    const kept = objects.filter((object) => !excluded.some((table) => belongsTo(object, table)));
    return new Map(kept.map((object) => [`${object.kind} ${object.name}`, object]));
  } finally {
    await client.end();
  }
}

/** The table itself, its columns, constraints, indexes, triggers, policies and comments. */
function belongsTo(object: CatalogObject, table: string): boolean {
  if (object.name === table || object.name.startsWith(`${table}.`)) return true;
  if (object.kind === 'comment') return object.name === `TABLE ${table}` || object.name.startsWith(`COLUMN ${table}.`);
  return object.kind === 'index' && object.dependsOn?.[0] === table;
}
