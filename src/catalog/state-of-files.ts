import { onEmptyScratchDatabase } from '../postgres/scratch.ts';
import { withProjectOfFiles } from './files-project.ts';
import type { Catalog } from './object.ts';
import { readCatalog } from './read.ts';
import { catalogOfMigrations } from './states.ts';

/**
 * The catalog that running exactly `fileNames` of `root`'s migrations/ (in
 * version order) gives, built on the scratch database; none: an empty one.
 * The states "before" and "after" a file, and "every file a target should
 * have run", are each one call.
 */
export async function catalogOfFiles(devUrl: string, root: string, fileNames: string[]): Promise<Catalog> {
  if (fileNames.length === 0) return onEmptyScratchDatabase(devUrl, () => readCatalog(devUrl));
  return withProjectOfFiles(root, fileNames, (project) => catalogOfMigrations(devUrl, project));
}
