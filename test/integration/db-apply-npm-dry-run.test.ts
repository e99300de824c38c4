import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { useEmptyDatabases } from '../support/empty-databases.ts';
import { adminQuery } from '../support/postgres.ts';
import { runToEnd } from '../support/process.ts';

/**
 * `npm run db:apply --dry-run`, without `--`: npm takes --dry-run as its own
 * flag, passes the script no argument and sets npm_config_dry_run=true. The
 * migrations used to be applied for real; db:apply must take it as its own
 * --dry-run and apply nothing.
 */
const databases = useEmptyDatabases(2);

describe('npm run db:apply --dry-run (npm eats the flag)', () => {
  it('applies nothing and says why', { timeout: 180_000 }, async () => {
    const [url, dev] = databases.urls as [string, string];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: url,
      ATLAS_DEV_URL: dev,
    };
    delete env.DIRECT_DATABASE_URL;
    delete env.npm_config_dry_run; // npm sets it below, from the command line
    const run = await runToEnd('npm', ['run', 'db:apply', '--dry-run'], {
      cwd: repoRoot,
      env,
    });
    expect(run.output).toMatch(/npm took --dry-run as its own flag \(npm_config_dry_run=true\)/);
    expect(run.output).toMatch(/db:apply --dry-run: the migration gate accepts 2 pending migration\(s\); nothing was applied\./);
    expect(run.code).toBe(0);
    const { rows } = await adminQuery(
      url,
      `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
        WHERE table_schema NOT IN ('pg_catalog', 'information_schema', 'atlas_schema_revisions')`,
    );
    expect(rows).toEqual([]); // no authors, no books
    // Atlas's status creates its (empty) revisions table; no migration is recorded in it.
    const revisions = await adminQuery(url, 'SELECT count(*)::int AS n FROM atlas_schema_revisions.atlas_schema_revisions');
    expect(revisions.rows[0].n).toBe(0);
  });
});
