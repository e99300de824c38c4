import { readFileSync } from 'node:fs';
import path from 'node:path';
import { schemaSource } from './schema-source.ts';
import { lineAt, splitStatements } from './sql-statements.ts';
import { connectClient } from '../db/client.ts';

/**
 * Runs a schema file (schema.sql, as schema-source.ts prepares it) on a
 * scratch database as one script, the way psql -f would, and names the file
 * and line of a statement Postgres refuses.
 */
export class SchemaFileError extends Error {
  override name = 'SchemaFileError';
}

interface PgError {
  message: string;
  position?: string;
}

export async function loadSchemaFile(url: string, file: string): Promise<void> {
  const name = path.basename(file);
  const text = schemaSource(readFileSync(file, 'utf8'), name).text;
  const client = await connectClient(url);
  try {
    // One script runs as one implicit transaction: fast, and a failure leaves nothing behind.
    await client.query(text);
  } catch (error) {
    const { message, position } = error as PgError;
    if (position) throw located(name, text, Number(position) - 1, message);
    // Not a parse error (e.g. "relation … does not exist"): Postgres gives no
    // position, so run the statements one by one to find the one it refuses.
    for (const statement of splitStatements(text)) {
      try {
        await client.query(statement.text);
      } catch (again) {
        const { message: refused, position: at } = again as PgError;
        throw located(name, text, statement.start + (at ? Number(at) - 1 : offsetOfNamed(statement.text, refused)), refused);
      }
    }
    throw new SchemaFileError(`${name}: ${message}`);
  } finally {
    await client.end();
  }
}

/** Where in the statement the object the message names ("relation "x" does not exist") is written, else its start. */
function offsetOfNamed(statement: string, message: string): number {
  const named = /"([^"]+)"/.exec(message)?.[1];
  if (!named) return 0;
  const at = statement.search(new RegExp(`(?<![\\w$])"?${named.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?(?![\\w$])`));
  return Math.max(at, 0);
}

function located(file: string, text: string, offset: number, message: string): SchemaFileError {
  const line = lineAt(text, offset);
  return new SchemaFileError(`${file}:${line}: ${message}\n    ${text.split('\n')[line - 1]!.trim()}`);
}
