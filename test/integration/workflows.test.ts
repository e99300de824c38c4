import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, inject, it } from 'vitest';
import { createDatabase, dropDatabase } from '../support/postgres.ts';
import { scratchRepo } from '../support/scratch-repo.ts';
import { runScript } from '../support/workflow-script.ts';

/**
 * Schema-change stories in test/workflows/*.txtar, each run on a fresh
 * scratch copy of the repository with two empty databases (see
 * test/support/workflow-script.ts for the commands).
 */
const adminUrl = inject('adminUrl');
// The stories live in test/workflows/, beside test/integration/.
const dir = path.join(import.meta.dirname, '..', 'workflows');
const scripts = readdirSync(dir)
  .filter((file) => file.endsWith('.txtar'))
  .sort();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('schema-change workflows (test/workflows/*.txtar)', () => {
  it.each(scripts)(
    '%s',
    async (script) => {
      const repo = scratchRepo();
      const url = await createDatabase(adminUrl, { empty: true });
      const dev = await createDatabase(adminUrl, { empty: true });
      cleanups.push(
        repo.dispose,
        () => dropDatabase(adminUrl, url),
        () => dropDatabase(adminUrl, dev),
      );
      await runScript(path.join(dir, script), { work: repo.root, url, dev });
    },
    600_000,
  ); // the team stories (two branches, a merge, a sync and back) replay migrations many times
});
