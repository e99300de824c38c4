import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { builtBinary } from '../../src/atlas/locate.mjs';
import { embeddedCredentials } from '../../src/postgres/embedded.ts';
import { ownMigratedCluster, type MigratedCluster } from '../support/cluster.ts';
import { runToEnd } from '../support/process.ts';
import { scratchRepo } from '../support/scratch-repo.ts';

/**
 * The bare `npx atlas … --env local` commands reach this copy's embedded
 * Postgres on EMBEDDED_PG_PORT (from the environment or .env), as the npm
 * scripts do: never whatever listens on the default port.
 */
let own: MigratedCluster;
let repo: ReturnType<typeof scratchRepo>;

beforeAll(async () => {
  own = await ownMigratedCluster({ password: embeddedCredentials.password }); // atlas.hcl's local env logs in as bookshelf/bookshelf
  repo = scratchRepo();
  mkdirSync(repo.file('src'), { recursive: true });
  // The atlas bin with the plain-JavaScript layers it imports (project paths, .env), as an installed checkout has them.
  for (const folder of ['atlas', 'project', 'config']) {
    cpSync(path.join(repoRoot, 'src', folder), repo.file('src', folder), { recursive: true });
  }
});
afterAll(async () => {
  repo?.dispose();
  await own?.dispose();
});

const status = (env: NodeJS.ProcessEnv) =>
  runToEnd(process.execPath, [repo.file('src', 'atlas', 'atlas.mjs'), 'migrate', 'status', '--env', 'local'], {
    cwd: repo.root,
    env: { ...process.env, ATLAS_BIN: builtBinary, EMBEDDED_PG_PORT: '', ...env },
  });

it('EMBEDDED_PG_PORT=N npx atlas migrate status --env local talks to port N', async () => {
  const run = await status({ EMBEDDED_PG_PORT: String(own.cluster.port) });
  expect(run.output).toContain('Migration Status: OK');
  expect(run.output).toContain('Current Version: 20261126000607');
  expect(run.code).toBe(0);
});

it('the port in .env counts too, and the environment wins over it', async () => {
  writeFileSync(repo.file('.env'), `EMBEDDED_PG_PORT=${own.cluster.port}\n`);
  const run = await status({ EMBEDDED_PG_PORT: undefined });
  expect(run.output).toContain('Migration Status: OK');
  const other = await status({ EMBEDDED_PG_PORT: '1' });
  expect(other.output).toContain('127.0.0.1:1: connect: connection refused');
});
