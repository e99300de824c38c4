import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { atlasOrThrow } from '../../src/atlas/run.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { freePort } from '../support/free-port.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';
import { runEntrypoint, type RunningProcess } from '../support/process.ts';
import { scratchRepo } from '../support/scratch-repo.ts';

/**
 * Issue 21, many instances: a rolling deploy starts several servers at once
 * with MIGRATE_ON_START=1 against one database that has a pending migration.
 * The migration must run exactly once (Atlas's advisory lock and its
 * revisions table), every server must serve, and none may accept a
 * connection before the schema is migrated.
 */
const adminUrl = inject('adminUrl');
const file = '20261205000000_record_start.sql';
// A migration with a side effect that shows how often it ran.
const migration =
  'CREATE TABLE "migration_runs" ("id" serial NOT NULL, "ran_at" timestamptz NOT NULL DEFAULT clock_timestamp(), PRIMARY KEY ("id"));\n' +
  'INSERT INTO "migration_runs" DEFAULT VALUES;\n';

let live: string;
let dev: string;
let repo: ReturnType<typeof scratchRepo>;
beforeAll(async () => {
  live = await createDatabase(adminUrl);
  dev = await createDatabase(adminUrl, { empty: true });
  repo = scratchRepo({ runnable: true });
  writeFileSync(repo.file('migrations', file), migration);
  await atlasOrThrow(['migrate', 'hash', ...targetFlags({ migrate: dev, dev })], { echo: false, cwd: repo.root });
});
afterAll(async () => {
  repo?.dispose();
  if (live) await dropDatabase(adminUrl, live);
  if (dev) await dropDatabase(adminUrl, dev);
});

/** Polls `port` until something answers HTTP there; the wall-clock time of the first answer. */
async function firstAnswer(port: number, exited: Promise<unknown>): Promise<number> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`);
      return Date.now();
    } catch {
      if (gone) throw new Error(`the server for port ${port} exited without serving`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describe('three servers start at once with MIGRATE_ON_START=1 and one pending migration', () => {
  it('the migration runs exactly once, all three serve, none answers before the schema is migrated', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const servers: RunningProcess[] = ports.map((port) =>
      runEntrypoint(repo.file('src', 'main.ts'), {
        DATABASE_URL: live,
        ATLAS_DEV_URL: dev,
        MIGRATE_ON_START: '1',
        PORT: String(port),
        HOST: '127.0.0.1',
        METRICS_PORT: '0',
      }),
    );
    try {
      const answered = await Promise.all(servers.map((server, i) => firstAnswer(ports[i]!, server.exited)));
      for (const server of servers) await server.waitFor(/"msg":"serving"/);

      const runs = await adminQuery(live, 'SELECT (extract(epoch FROM ran_at) * 1000)::float8 AS ran_ms FROM migration_runs');
      expect(runs.rows).toHaveLength(1);
      const revisions = await adminQuery(live, 'SELECT version FROM atlas_schema_revisions.atlas_schema_revisions ORDER BY version');
      expect(revisions.rows.map((row) => row.version)).toEqual(['20261126000606', '20261126000607', '20261205000000']);
      for (const at of answered) expect(at).toBeGreaterThan(runs.rows[0].ran_ms as number);

      for (const port of ports) {
        const response = await fetch(`http://127.0.0.1:${port}/authors`);
        expect(response.status).toBe(200);
      }
      // The gate judged and accepted the migration in one instance; the others, waiting for it, found nothing pending.
      const verdicts: string[] = [];
      for (const server of servers) {
        const line = server
          .output()
          .split('\n')
          .find((l) => l.includes('"msg":"metrics"'))!;
        const text = await (await fetch((JSON.parse(line) as { url: string }).url)).text();
        verdicts.push(/^bookshelf_migration_gate_verdict\{verdict="([a-z-]+)"\} 1$/m.exec(text)?.[1] ?? 'none');
      }
      expect(verdicts.sort()).toEqual(['accepted', 'nothing-pending', 'nothing-pending']);
    } catch (error) {
      const outputs = servers.map((server, i) => `--- server ${i + 1}\n${server.output()}`).join('\n');
      throw new Error(`${(error as Error).message}\n${outputs}`, { cause: error });
    } finally {
      for (const server of servers) server.child.kill('SIGTERM');
    }
    const exits = await Promise.all(servers.map((server) => server.exited));
    expect(exits.map((exit) => exit.code)).toEqual([0, 0, 0]);
  }, 240_000);
});
