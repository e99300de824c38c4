import { locateAtlas } from '../atlas/locate.mjs';
import { withClient } from '../postgres/client.ts';
import { revisionsSchema } from '../project/revisions-schema.ts';

/**
 * Atlas's revisions table, as bookshelf's Atlas build makes it (`atlas
 * migrate apply` on an empty database), except that `partial_hashes` is
 * stored uncompressed (STORAGE EXTERNAL).
 *
 * Why: Atlas rewrites a file's revision row after every statement it runs,
 * with the hashes of all its statements so far, a JSON array that grows to
 * 92 KB for a 1,812-statement file (about 80 MB written in all). Postgres
 * tries to compress every version of it and fails (base64 hashes do not
 * shrink by the 25% pglz asks for): a replay of that file on the scratch
 * database took 16–18 s, and 9–11 s with the table made ahead like this (load
 * average 20; issue 19 E). test/integration/scratch-revisions.test.ts checks
 * the table against the one Atlas makes.
 */
const revisionsTableSql = (schema: string) =>
  `CREATE TABLE IF NOT EXISTS ${schema}.atlas_schema_revisions (version character varying NOT NULL, ` +
  'description character varying NOT NULL, type bigint NOT NULL DEFAULT 2, applied bigint NOT NULL DEFAULT 0, ' +
  'total bigint NOT NULL DEFAULT 0, executed_at timestamp with time zone NOT NULL, execution_time bigint NOT NULL, ' +
  'error text NULL, error_stmt text NULL, hash character varying NOT NULL, partial_hashes jsonb NULL, ' +
  'operator_version character varying NOT NULL, PRIMARY KEY (version));\n' +
  `ALTER TABLE ${schema}.atlas_schema_revisions ALTER COLUMN partial_hashes SET STORAGE EXTERNAL;`;

/**
 * Makes Atlas's revisions table ahead on the scratch database (just emptied)
 * before Atlas replays `root`'s migrations/ there. Only for bookshelf's own
 * build, whose table this is: another Atlas makes its own, as before.
 */
export async function prepareScratchRevisions(devUrl: string, root: string): Promise<void> {
  const atlas = locateAtlas();
  if (atlas.path === null || atlas.source !== 'built') return;
  await withClient(devUrl, async (client) => {
    const schema = client.escapeIdentifier(revisionsSchema(root));
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema};\n${revisionsTableSql(schema)}`);
  });
}
