import type pg from 'pg';
import type { Rewrite } from './model.ts';

/** A user table's or index's storage file, as the session sees it (its own uncommitted changes included). */
export interface RelationFile {
  oid: number;
  name: string;
  kind: 'table' | 'index';
  filenode: number;
}

/** Every user table, materialized view and index with its relfilenode. */
export async function relationFiles(client: pg.Client): Promise<Map<number, RelationFile>> {
  const { rows } = await client.query<{ oid: number; name: string; relkind: string; filenode: number }>(
    `SELECT c.oid::int AS oid, c.oid::regclass::text AS name, c.relkind, c.relfilenode::int AS filenode
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'm', 'i') AND c.relfilenode <> 0
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'`,
  );
  return new Map(
    rows.map((row) => [row.oid, { oid: row.oid, name: row.name, kind: row.relkind === 'i' ? 'index' : 'table', filenode: row.filenode }]),
  );
}

/**
 * The relations whose storage a statement replaced: same oid, new
 * relfilenode. That is a rewrite (ALTER COLUMN TYPE that is not
 * binary-compatible, a volatile default, VACUUM FULL, CLUSTER, TRUNCATE):
 * every row copied under the lock the statement holds.
 */
export async function rewrittenSince(
  client: pg.Client,
  before: Map<number, RelationFile>,
): Promise<{ rewrites: Rewrite[]; after: Map<number, RelationFile> }> {
  const after = await relationFiles(client);
  const changed = [...after.values()].filter((rel) => before.has(rel.oid) && before.get(rel.oid)!.filenode !== rel.filenode);
  const rewrites: Rewrite[] = [];
  for (const rel of changed) {
    const { rows } = await client.query<{ size: string }>(`SELECT pg_size_pretty(pg_relation_size($1::oid)) AS size`, [rel.oid]);
    rewrites.push({ relation: rel.name, kind: rel.kind, size: rows[0]!.size });
  }
  return {
    rewrites: rewrites.sort((a, b) => (a.kind === b.kind ? a.relation.localeCompare(b.relation) : a.kind === 'table' ? -1 : 1)),
    after,
  };
}

/** Names for oids, as this session sees them (relations it just made included). */
export async function relationNames(client: pg.Client, oids: number[]): Promise<Map<number, string>> {
  if (oids.length === 0) return new Map();
  const { rows } = await client.query<{ oid: number; name: string }>(
    `SELECT oid::int AS oid, oid::regclass::text AS name FROM pg_class WHERE oid = ANY($1::oid[])`,
    [oids],
  );
  return new Map(rows.map((row) => [row.oid, row.name]));
}
