import { redactSecrets } from '../config/redact.ts';
import { lintScope, type LintOptions } from './changed-migrations.ts';
import type { GateVerdict } from '../gate/gate.ts';
import { checkLint } from './lint-check.ts';
import { checkLiveDrift } from './live-drift.ts';
import { checkMigrationsIntact } from './migrations-intact.ts';
import { fail, skip, type CheckResult } from './result.ts';
import { replayMigrations, type Replay } from './replay.ts';
import { checkSchemaMatches } from './schema-matches.ts';
import { checkTypesFresh } from './types-fresh.ts';
import { makeWorkingCopy } from '../catalog/working-copy.ts';

export interface CheckProjectOptions {
  /** The project: a directory with atlas.hcl, schema.sql, migrations/ and src/db/zapatos/. */
  root: string;
  /** An empty scratch database Atlas may wipe (the dev database). */
  devUrl: string;
  /** A live database to check for drift and pending migrations. */
  targetUrl?: string | undefined;
  lint?: LintOptions;
  /** Tables of the live database that schema.sql does not manage (SCHEMA_EXCLUDE). */
  excludeTables?: string[];
  /** Called with each result as soon as its check has run. */
  onResult?: (result: CheckResult) => void;
  /** Called with the gate's verdict on the newest migrations, when the lint check judged any. */
  onVerdict?: (verdict: GateVerdict) => void;
}

/**
 * The checks of `npm run db:check`, in order. Every check runs, whatever
 * the others found; a check that throws counts as failed.
 */
export async function checkProject(options: CheckProjectOptions): Promise<CheckResult[]> {
  const { root, devUrl, targetUrl } = options;
  const results: CheckResult[] = [];
  const record = (result: CheckResult) => {
    results.push(result);
    options.onResult?.(result);
  };
  const run = async (name: string, check: () => Promise<CheckResult>) => {
    try {
      record(await check());
    } catch (error) {
      record(fail(name, redactSecrets(error instanceof Error ? error.message : String(error)).split('\n')[0]!));
    }
  };

  const copy = await makeWorkingCopy(root, devUrl);
  const replay = await replayMigrations(copy.root, devUrl).catch((error: Error): Replay => ({
    failure: redactSecrets(error.message).split('\n')[0]!,
    dispose: () => {},
  }));
  try {
    await run('migrations intact', () => checkMigrationsIntact(root, replay, copy.freshSum, options.lint?.gitBase));
    await run('migrations give schema.sql', () => checkSchemaMatches(copy.root, devUrl, replay));
    await run('zapatos types fresh', () => checkTypesFresh(root, replay));
    await run('lint newest migrations', () => checkLint(copy.root, devUrl, lintScope(root, options.lint), root, options.onVerdict));
    if (targetUrl) await run('live database', () => checkLiveDrift(copy.root, devUrl, targetUrl, options.excludeTables));
    else record(skip('live database', 'no target: pass --url <url> or --env neon, or set DATABASE_URL'));
  } finally {
    replay.dispose();
    copy.dispose();
  }
  return results;
}
