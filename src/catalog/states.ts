import path from 'node:path';
import { atlasOrThrow } from '../atlas/run.ts';
import { targetFlags } from '../atlas/flags.ts';
import { onEmptyScratchDatabase, resetScratchDatabase } from '../postgres/scratch.ts';
import { loadSchemaFile } from './load-schema.ts';
import type { Catalog } from './object.ts';
import { readCatalog } from './read.ts';
import { prepareScratchRevisions } from './scratch-revisions.ts';

/**
 * The catalogs of the two states a project declares, each built on the
 * scratch (dev) database, which is emptied before and after:
 * what replaying `<root>/migrations` with Atlas gives, and what running
 * `<root>/schema.sql` gives.
 */
export async function catalogOfMigrations(devUrl: string, root: string): Promise<Catalog> {
  return onScratch(devUrl, () => replay(devUrl, root), 'migrations/');
}

async function replay(devUrl: string, root: string): Promise<void> {
  await prepareScratchRevisions(devUrl, root);
  await atlasOrThrow(['migrate', 'apply', ...targetFlags({ migrate: devUrl, dev: undefined })], { echo: false, cwd: root });
}

/**
 * The same replay, but the scratch database keeps the replayed state for the
 * caller to use further (db:diff generates the types from it) and to empty.
 */
export async function replayKeepingState(devUrl: string, root: string): Promise<Catalog> {
  await resetScratchDatabase(devUrl);
  await replay(devUrl, root);
  return readCatalog(devUrl, { uncompared: { source: 'migrations/' } });
}

export async function catalogOfSchemaFile(devUrl: string, root: string, file = 'schema.sql'): Promise<Catalog> {
  return onScratch(devUrl, () => loadSchemaFile(devUrl, path.join(root, file)), file);
}

/** `source`: what the state is called when it holds objects the catalog does not compare (uncompared.ts). */
function onScratch(devUrl: string, build: () => Promise<unknown>, source: string): Promise<Catalog> {
  return onEmptyScratchDatabase(devUrl, async () => {
    await build();
    return readCatalog(devUrl, { uncompared: { source } });
  });
}
