import { readFileSync } from 'node:fs';
import path from 'node:path';
import { schemaSource } from '../project/schema-source.ts';
import { runScript } from '../postgres/run-script.ts';

/**
 * Runs a schema file (schema.sql, as schema-source.ts prepares it) on a
 * scratch database as one script, the way psql -f would; a statement Postgres
 * refuses is a ScriptError naming the file and line.
 */
export async function loadSchemaFile(url: string, file: string): Promise<void> {
  const name = path.basename(file);
  await runScript(url, schemaSource(readFileSync(file, 'utf8'), name).text, name);
}
