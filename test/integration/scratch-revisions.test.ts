import { expect, it } from 'vitest';
import { atlasOrThrow } from '../../src/atlas/run.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { locateAtlas } from '../../src/atlas/locate.mjs';
import { prepareScratchRevisions } from '../../src/catalog/scratch-revisions.ts';
import { replayKeepingState } from '../../src/catalog/states.ts';
import { resetScratchDatabase } from '../../src/postgres/scratch.ts';
import { repoRoot } from '../../src/project/paths.mjs';
import { useEmptyDatabases } from '../support/empty-databases.ts';
import { adminQuery } from '../support/postgres.ts';

/**
 * Issue 19 E: before Atlas replays migrations/ on the scratch database,
 * bookshelf makes Atlas's revisions table itself, with `partial_hashes`
 * stored uncompressed (Postgres' futile compression of that growing JSON was
 * a third of a 1,812-statement replay). The table must be the one Atlas makes
 * (else Atlas would alter it, or a newer build differ), and Atlas must record
 * the same revisions in it.
 */
const databases = useEmptyDatabases(3);

/** Another Atlas (ATLAS_BIN, PATH) makes its own table: nothing is made ahead for it. */
const located = locateAtlas();
const ourBuild = located.path !== null && located.source === 'built';

const table = `'atlas_schema_revisions.atlas_schema_revisions'::regclass`;
/** The table's columns, constraints and indexes as Postgres describes them. */
async function shape(url: string) {
  const columns = await adminQuery(
    url,
    `SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull, pg_get_expr(d.adbin, d.adrelid) AS def
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = ${table} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
  );
  const constraints = await adminQuery(
    url,
    `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = ${table} ORDER BY 1`,
  );
  const indexes = await adminQuery(
    url,
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'atlas_schema_revisions' ORDER BY 1`,
  );
  return { columns: columns.rows, constraints: constraints.rows, indexes: indexes.rows };
}
const storage = async (url: string) =>
  (await adminQuery(url, `SELECT attstorage FROM pg_attribute WHERE attrelid = ${table} AND attname = 'partial_hashes'`)).rows[0]
    .attstorage as string;
const revisions = async (url: string) =>
  (
    await adminQuery(
      url,
      'SELECT version, applied, total, hash, partial_hashes, error FROM atlas_schema_revisions.atlas_schema_revisions ORDER BY version',
    )
  ).rows;
const replay = (url: string) =>
  atlasOrThrow(['migrate', 'apply', ...targetFlags({ migrate: url, dev: undefined })], { echo: false, cwd: repoRoot });

it.skipIf(!ourBuild)(
  'is the table Atlas makes, stored uncompressed, and Atlas records the same revisions in it',
  { timeout: 120_000 },
  async () => {
    const [atlasMade, ours] = databases.urls as [string, string];
    await replay(atlasMade);
    await prepareScratchRevisions(ours, repoRoot);
    await replay(ours);
    expect(await shape(ours)).toEqual(await shape(atlasMade));
    expect(await storage(atlasMade)).toBe('x');
    expect(await storage(ours)).toBe('e');
    const recorded = await revisions(ours);
    expect(recorded.length).toBeGreaterThan(1);
    expect(recorded).toEqual(await revisions(atlasMade));
  },
);

it.skipIf(!ourBuild)('the replays on the scratch database use it', { timeout: 120_000 }, async () => {
  const dev = databases.urls[2]!;
  await replayKeepingState(dev, repoRoot);
  expect(await storage(dev)).toBe('e');
  await resetScratchDatabase(dev);
});
