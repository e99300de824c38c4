import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Catalog } from '../catalog/object.ts';
import { readCatalog } from '../catalog/read.ts';
import { prepareScratchRevisions } from '../catalog/scratch-revisions.ts';
import { atlas, failureLine } from '../atlas/run.ts';
import { targetFlags } from '../atlas/flags.ts';
import { generateTypes } from '../codegen/generate-types.ts';
import { onEmptyScratchDatabase } from '../postgres/scratch.ts';
import { UncomparedObjectsError } from '../catalog/uncompared.ts';

/**
 * migrations/ replayed once on the scratch database, for every check that
 * needs the migrated state: whether each file runs ("migrations intact"),
 * its catalog ("migrations give schema.sql") and the types generated from
 * it ("zapatos types fresh"). One replay instead of one per check: at 500
 * tables each replay and inspection costs seconds.
 */
export interface Replay {
  /** Why the replay failed (a file that does not run), if it did. */
  failure?: string;
  catalog?: Catalog;
  /**
   * Objects the replayed state holds that the catalog does not compare
   * (src/catalog/census.ts): "migrations give schema.sql" fails on them.
   */
  uncompared?: UncomparedObjectsError;
  /** The generated zapatos folder, or why generating it failed. */
  types?: { dir: string } | { failure: string };
  dispose(): void;
}

export async function replayMigrations(workingRoot: string, devUrl: string): Promise<Replay> {
  const out = mkdtempSync(path.join(tmpdir(), 'bookshelf-replay-'));
  const dispose = () => rmSync(out, { recursive: true, force: true });
  try {
    return await onEmptyScratchDatabase(devUrl, async (): Promise<Replay> => {
      await prepareScratchRevisions(devUrl, workingRoot);
      const run = await atlas(['migrate', 'apply', ...targetFlags({ migrate: devUrl, dev: undefined })], { echo: false, cwd: workingRoot });
      if (run.code !== 0) return { failure: failureLine(run), dispose };
      let catalog: Catalog;
      let uncompared: UncomparedObjectsError | undefined;
      try {
        catalog = await readCatalog(devUrl, { uncompared: { source: 'migrations/ (replayed)' } });
      } catch (error) {
        if (!(error instanceof UncomparedObjectsError)) throw error;
        uncompared = error; // "migrations give schema.sql" fails on it; the other checks need the rest
        catalog = await readCatalog(devUrl, { uncompared: false });
      }
      const types = await generateTypes(devUrl, out).then(
        () => ({ dir: path.join(out, 'zapatos') }),
        (error: Error) => ({ failure: error.message }),
      );
      return { catalog, types, dispose, ...(uncompared ? { uncompared } : {}) };
    });
  } catch (error) {
    dispose();
    throw error;
  }
}
