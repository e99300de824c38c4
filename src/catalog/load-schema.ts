import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { tlsOptions } from '../db/tls.ts';

/**
 * Runs a schema file (schema.sql) on a scratch database as one script, the
 * way psql -f would, and names the file and line of a statement Postgres
 * refuses (its error position is an offset into the script).
 */
export class SchemaFileError extends Error {
  override name = 'SchemaFileError';
}

export async function loadSchemaFile(url: string, file: string): Promise<void> {
  const text = readFileSync(file, 'utf8');
  const { connectionString, ssl } = tlsOptions(url);
  const client = new pg.Client({ connectionString, ssl: ssl === 'no-verify' ? { rejectUnauthorized: false } : ssl });
  await client.connect();
  try {
    await client.query(text);
  } catch (error) {
    const { message, position } = error as { message: string; position?: string };
    const at = position ? Number(position) - 1 : -1;
    const line = at >= 0 ? text.slice(0, at).split('\n').length : undefined;
    const shown = line ? `\n    ${text.split('\n')[line - 1]!.trim()}` : '';
    throw new SchemaFileError(`${path.basename(file)}${line ? `:${line}` : ''}: ${message}${shown}`);
  } finally {
    await client.end();
  }
}
