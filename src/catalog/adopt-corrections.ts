import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compareCatalogs } from './compare.ts';
import type { Catalog } from './object.ts';
import { planAfterAtlas } from './plan.ts';
import { ManualChange } from './statements.ts';
import { catalogOfSchemaFile } from './states.ts';
import { projectFiles } from '../project/paths.mjs';

/**
 * db:adopt's schema.sql, corrected where Atlas's inspection writes an object
 * differently from the database (issue 19, A1–A8, the adopt route): the
 * schema as written (the project's schema.sql) is loaded on the scratch database, compared with the
 * database's catalog in Postgres' own terms, and the statements plan.ts
 * writes for db:diff's own corrections (corrections.ts: timestamp(6),
 * sequences and nextval defaults, NOT VALID / DEFERRABLE keys, renamed
 * primary keys, storage options, UNLOGGED, tables outside public) are
 * appended as a last section. db:adopt then verifies the result as before:
 * what is still different stops it, named.
 */
export async function correctDeclaredSchema(root: string, live: Catalog, devUrl: string): Promise<string> {
  const schema = readFileSync(path.join(root, projectFiles.schema), 'utf8');
  // Loaded from the user's own schema.sql: a statement Postgres refuses is named by that file's line.
  const written = await catalogOfSchemaFile(devUrl, root);
  if (compareCatalogs(written, live).length === 0) return schema;
  // Every object is new to a database made from schema.sql: sequences start where the database's say.
  let corrections: string[];
  try {
    corrections = planAfterAtlas(written, live, new Map());
  } catch (error) {
    if (error instanceof ManualChange) return schema; // db:adopt's check then names every difference
    throw error;
  }
  if (corrections.length === 0) return schema;
  return [
    schema.trimEnd(),
    '',
    "-- Where Atlas's inspection writes an object differently from the database (added by db:adopt)",
    ...corrections,
    '',
  ].join('\n');
}
