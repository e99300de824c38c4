import path from 'node:path';
import { resetScratchDatabase } from '../postgres/scratch.ts';
import { loadSchemaFile } from './load-schema.ts';
import { connectClient } from '../postgres/client.ts';
import { projectFiles } from '../project/paths.mjs';

/**
 * A second scratch database beside the dev database (`<dev>_schema`, made on
 * first use), holding schema.sql loaded, for Atlas to read the declared
 * state from (`--to <url>`).
 *
 * Why not `--to file://schema.sql`: Atlas then loads schema.sql and replays
 * migrations/ in ONE dev database, and between the two it removes only what
 * it knows (tables, enums). Extensions, domains, aggregates and types stay,
 * so the second load fails: `extension "citext" already exists`.
 */
function declaredDatabaseUrl(devUrl: string): string {
  const url = new URL(devUrl);
  url.pathname = `${url.pathname}_schema`;
  return url.toString();
}

export async function withSchemaLoaded<T>(devUrl: string, root: string, use: (declaredUrl: string) => Promise<T>): Promise<T> {
  const declaredUrl = declaredDatabaseUrl(devUrl);
  await createIfMissing(devUrl, declaredUrl);
  await resetScratchDatabase(declaredUrl);
  try {
    await loadSchemaFile(declaredUrl, path.join(root, projectFiles.schema));
    return await use(declaredUrl);
  } finally {
    await resetScratchDatabase(declaredUrl);
  }
}

async function createIfMissing(devUrl: string, declaredUrl: string): Promise<void> {
  const name = decodeURIComponent(new URL(declaredUrl).pathname.slice(1));
  const client = await connectClient(devUrl);
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    } catch (error) {
      if ((error as { code?: string }).code === '42P04') return; // made meanwhile by another run
      throw new Error(
        `could not create the scratch database ${name} beside the dev database (${(error as Error).message}): ` +
          `create it once by hand (CREATE DATABASE ${name}), empty, like the dev database`,
        { cause: error },
      );
    }
  } finally {
    await client.end();
  }
}
