import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { checkProject } from '../../src/project-check/check-project.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';
import { runToEnd } from '../support/process.ts';
import { parseTxtar } from '../support/txtar.ts';
import { schemaSource } from '../../src/project/schema-source.ts';

/**
 * Issue 19, the adopt route: `db:adopt` of a database loaded from a dump as
 * pg_dump and Rails write it (test/schema-corpus/pg-dump-forms.txtar, v1)
 * stopped with "differs" for every timestamp(6) column, sequence, NOT VALID
 * key, renamed primary key, storage option, UNLOGGED table and table outside
 * public. Now schema.sql is corrected (src/catalog/adopt-corrections.ts),
 * the baseline replays to exactly that database, and db:check --url finds no drift.
 * And the same for every case of the schema corpus (below).
 */
const adminUrl = inject('adminUrl');
const dump = parseTxtar(readFileSync(path.join(repoRoot, 'test', 'schema-corpus', 'pg-dump-forms.txtar'), 'utf8')).files.get('v1.sql')!;
let live: string;
let dev: string;
const project = mkdtempSync(path.join(tmpdir(), 'bookshelf-adopt-dump-'));

beforeAll(async () => {
  live = await createDatabase(adminUrl, { empty: true });
  dev = await createDatabase(adminUrl, { empty: true });
  await adminQuery(live, dump);
  await adminQuery(live, "INSERT INTO public.events (name, created_at, updated_at) VALUES ('launch', now(), now())");
  copyFileSync(path.join(repoRoot, 'atlas.hcl'), path.join(project, 'atlas.hcl'));
});
afterAll(async () => {
  await dropDatabase(adminUrl, live);
  await dropDatabase(adminUrl, dev);
  rmSync(project, { recursive: true, force: true });
});

/** `npm run db:adopt -- --url <live> --dev-url <dev> --dir <project>`, in its own process. */
const adopt = (live: string, dev: string, project: string) =>
  runToEnd(
    path.join(repoRoot, 'node_modules', '.bin', 'tsx'),
    ['src/commands/main.ts', 'adopt', '--url', live, '--dev-url', dev, '--dir', project],
    { cwd: repoRoot, env: { ...process.env, DATABASE_URL: '', ATLAS_DEV_URL: '', SCHEMA_EXCLUDE: '' } },
  );

it(
  'db:adopt of a database loaded from a pg_dump/Rails dump succeeds, and db:check --url then finds no drift',
  { timeout: 300_000 },
  async () => {
    const run = await adopt(live, dev, project);
    expect(run.output).not.toMatch(/differ/);
    expect(run.code).toBe(0);
    const schema = readFileSync(path.join(project, 'schema.sql'), 'utf8');
    expect(schema).toContain("-- Where Atlas's inspection writes an object differently from the database (added by db:adopt)");
    expect(schema).toMatch(/ALTER TABLE public\.events ALTER COLUMN created_at TYPE timestamp\(6\) without time zone;/);
    expect((await adminQuery(live, 'SELECT count(*)::int AS n FROM public.events')).rows).toEqual([{ n: 1 }]);

    const results = await checkProject({ root: project, devUrl: dev, targetUrl: live });
    expect(results.filter((r) => r.status !== 'pass').map((r) => [r.name, r.reason, ...r.details].join('\n'))).toEqual([]);
  },
);

/**
 * The adopt route for the whole corpus (issue 19): each case's v1, on top of
 * the guide's schema.sql, loaded into a database as schema.sql runs (a dump's
 * `\restrict` and INSERT lines left out) with the case's rows, is adopted;
 * the baseline replays to that database and `db:check --url` finds no drift.
 * One database pair per case, the cases side by side (one shared Postgres).
 */
const corpus = path.join(repoRoot, 'test', 'schema-corpus');
const cases = readdirSync(corpus)
  .filter((file) => file.endsWith('.txtar'))
  .sort();
const guideSchema = readFileSync(path.join(repoRoot, 'schema.sql'), 'utf8');

describe.concurrent('db:adopt of each schema corpus case (test/schema-corpus/*.txtar, v1)', () => {
  it.each(cases)('%s: adopted, then db:check --url finds no drift', { timeout: 300_000 }, async (name) => {
    const { files } = parseTxtar(readFileSync(path.join(corpus, name), 'utf8'));
    const caseLive = await createDatabase(adminUrl, { empty: true });
    const caseDev = await createDatabase(adminUrl, { empty: true });
    const caseProject = mkdtempSync(path.join(tmpdir(), 'bookshelf-adopt-corpus-'));
    try {
      copyFileSync(path.join(repoRoot, 'atlas.hcl'), path.join(caseProject, 'atlas.hcl'));
      await adminQuery(caseLive, schemaSource(`${guideSchema}\n${files.get('v1.sql')!}`).text);
      await adminQuery(caseLive, files.get('data.sql')!);
      const run = await adopt(caseLive, caseDev, caseProject);
      expect(run.output).not.toMatch(/differ/);
      expect(run.code, run.output).toBe(0);
      const results = await checkProject({ root: caseProject, devUrl: caseDev, targetUrl: caseLive });
      expect(results.filter((r) => r.status !== 'pass').map((r) => [r.name, r.reason, ...r.details].join('\n'))).toEqual([]);
    } finally {
      await dropDatabase(adminUrl, caseLive);
      await dropDatabase(adminUrl, caseDev);
      rmSync(caseProject, { recursive: true, force: true });
    }
  });
});
