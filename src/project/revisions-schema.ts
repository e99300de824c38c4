import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where Atlas keeps the revisions: the schema named by `revisions_schema` in
 * the project's atlas.hcl (ours: `atlas_schema_revisions`, the table has the
 * same name), so it is found whatever `search_path` the URL carries.
 */
export function revisionsSchema(projectRoot: string): string {
  let hcl = '';
  try {
    hcl = readFileSync(path.join(projectRoot, 'atlas.hcl'), 'utf8');
  } catch {
    // No project file: Atlas's own default schema for a schema-scoped URL is the URL's; ours is named in atlas.hcl.
  }
  return /^\s*revisions_schema\s*=\s*"([^"]+)"/m.exec(hcl)?.[1] ?? 'atlas_schema_revisions';
}
