import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { compareCatalogs } from '../../src/catalog/compare.ts';
import { diffMigration } from '../../src/catalog/diff-migration.ts';
import { removeMigration } from '../../src/catalog/migration-file.ts';
import { catalogOfMigrations, catalogOfSchemaFile } from '../../src/catalog/states.ts';
import { checkProject } from '../../src/project-check/check-project.ts';
import { gateMigrations } from '../../src/gate/gate.ts';
import { checkLiveDrift } from '../../src/project-check/live-drift.ts';
import { atlasOrThrow } from '../../src/atlas/run.ts';
import { typesFromMigrations } from '../../src/commands/db-types.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';
import { runToEnd } from '../support/process.ts';
import { scratchRepo } from '../support/scratch-repo.ts';
import { parseTxtar } from '../support/txtar.ts';
import { schemaSource } from '../../src/project/schema-source.ts';

/**
 * The schema corpus (test/schema-corpus/*.txtar, cases as data in the style
 * of pg-schema-diff's): objects Atlas community does not diff, added to the
 * guide's schema (v1.sql), then changed (v2.sql). Each case, in a scratch
 * copy of the repository: schema.sql → db:diff → db:types → db:apply on a
 * database → db:check all green (replaying migrations/ gives exactly
 * schema.sql's catalog; no drift) → data in (data.sql) → the same for v2
 * (and v2-data.sql if any) → the data is still there and v*-check.sql's
 * queries all say `ok`; `v*-writes.txt` lists lines the migration must (`+ `)
 * or must not (`- `) hold. And the case's
 * objects made by hand in a live database are reported as drift.
 */
const adminUrl = inject('adminUrl');
const corpus = path.join(import.meta.dirname, '..', 'schema-corpus');
const cases = readdirSync(corpus)
  .filter((file) => file.endsWith('.txtar'))
  .sort();
let dev: string;

beforeAll(async () => {
  dev = await createDatabase(adminUrl, { empty: true });
});
afterAll(async () => {
  await dropDatabase(adminUrl, dev);
});

type Repo = ReturnType<typeof scratchRepo>;
const migrations = (repo: Repo) =>
  readdirSync(repo.file('migrations'))
    .filter((file) => file.endsWith('.sql'))
    .sort();

/** What `npm run db:diff -- <name>` does, in `repo`. */
async function dbDiff(repo: Repo, name: string): Promise<string | undefined> {
  const file = await diffMigration({ root: repo.root, devUrl: dev, name, atlasFlags: targetFlags({ migrate: dev, dev }), echo: false });
  if (file) await typesFromMigrations(dev, repo.file('src', 'db'), false, repo.root);
  return file;
}

const apply = (repo: Repo, live: string) =>
  atlasOrThrow(['migrate', 'apply', ...targetFlags({ migrate: live, dev: undefined })], { echo: false, cwd: repo.root });

/**
 * The corpus is about round-trips, not hazards: where a case's change is one
 * the migration gate refuses (a column type change, a narrowing, ...), the
 * case lists the opt-outs a reviewer would write (`<version>-accepted.txt`),
 * the gate must ask for exactly those, and they go into the file, re-hashed.
 */
async function acceptReviewed(repo: Repo, written: string, expected: string[]): Promise<void> {
  const verdict = await gateMigrations(repo.root, dev, 1);
  const optOuts = [...new Set(verdict.blockers.map((finding) => finding.optOut))].sort();
  expect(optOuts, `the gate's opt-outs for ${written}`).toEqual([...expected].sort());
  if (optOuts.length === 0) return;
  const atlas = optOuts.filter((line) => line.startsWith('-- atlas:nolint ')).map((line) => line.slice('-- atlas:nolint '.length));
  const others = optOuts
    .filter((line) => !line.startsWith('-- atlas:nolint '))
    .map((line) => line.replace('-- squawk-ignore ', '-- squawk-ignore-file '));
  const header = [...(atlas.length ? [`-- atlas:nolint ${atlas.join(' ')}`, ''] : []), ...others, ''].join('\n');
  const file = repo.file('migrations', written);
  writeFileSync(file, `${header}\n${readFileSync(file, 'utf8')}`);
  await atlasOrThrow(['migrate', 'hash', ...targetFlags({ migrate: dev, dev })], { echo: false, cwd: repo.root });
}

async function expectChecksPass(repo: Repo, live: string): Promise<void> {
  const results = await checkProject({ root: repo.root, devUrl: dev, targetUrl: live });
  const failed = results.filter((result) => result.status !== 'pass');
  expect(failed.map((result) => [result.name, result.reason, ...(result.details ?? [])].join('\n'))).toEqual([]);
}

/** Every row of every query in `sql` says ok = true. */
async function expectOk(live: string, sql: string): Promise<void> {
  for (const query of sql
    .split(/;\n/)
    .map((q) => q.trim())
    .filter(Boolean)) {
    const { rows } = await adminQuery(live, query);
    expect(rows.length, query).toBeGreaterThan(0);
    for (const row of rows) expect(row.ok, query).toBe(true);
  }
}

/** `migration` has every line `writes` lists with `+ `, and none it lists with `- `. */
function expectWrites(migration: string, writes: string): void {
  const lines = migration.split('\n').map((line) => line.trim());
  for (const line of writes.split('\n').filter(Boolean)) {
    const wanted = line.slice(2);
    if (line.startsWith('+ ')) expect(lines, `the migration should have: ${wanted}`).toContain(wanted);
    else if (line.startsWith('- ')) expect(lines, `the migration should not have: ${wanted}`).not.toContain(wanted);
    else expect.fail(`a writes.txt line starts with + or -: ${line}`);
  }
}

/** `code` type-checks against the repository's generated types (tsc, strict). */
async function expectCompiles(repo: Repo, code: string): Promise<void> {
  writeFileSync(repo.file('use.ts'), code);
  const config = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: 'ES2023',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      skipLibCheck: true,
      types: [],
    },
  };
  writeFileSync(repo.file('tsconfig.json'), JSON.stringify({ ...config, files: ['use.ts', 'src/db/zapatos/schema.d.ts'] }));
  symlinkSync(path.join(repoRoot, 'node_modules'), repo.file('node_modules'));
  const run = await runToEnd(path.join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', repo.file('tsconfig.json')], { cwd: repo.root });
  expect(run.output).toBe('');
  expect(run.code).toBe(0);
}

describe('schema corpus: what Atlas does not diff reaches the migration (test/schema-corpus/*.txtar)', () => {
  it.each(cases)('%s: v1, data, v2 round-trip with zero catalog differences', { timeout: 300_000 }, async (name) => {
    const { files } = parseTxtar(readFileSync(path.join(corpus, name), 'utf8'));
    const file = (key: string) => files.get(key) ?? expect.fail(`${name} has no ${key}`);
    const repo = scratchRepo();
    const base = readFileSync(repo.file('schema.sql'), 'utf8');
    const live = await createDatabase(adminUrl, { empty: true });
    try {
      await apply(repo, live);
      for (const version of ['v1', 'v2'] as const) {
        writeFileSync(repo.file('schema.sql'), `${base}\n${file(`${version}.sql`)}`);
        const written = await dbDiff(repo, version);
        expect(written, `db:diff wrote no ${version} migration`).toMatch(new RegExp(`_${version}\\.sql$`));
        if (process.env.SHOW_MIGRATIONS) console.log(readFileSync(repo.file('migrations', written!), 'utf8'));
        if (files.has(`${version}-writes.txt`))
          expectWrites(readFileSync(repo.file('migrations', written!), 'utf8'), file(`${version}-writes.txt`));
        await acceptReviewed(repo, written!, (files.get(`${version}-accepted.txt`) ?? '').split('\n').filter(Boolean));
        await apply(repo, live);
        await expectChecksPass(repo, live);
        if (version === 'v1') await adminQuery(live, file('data.sql'));
        if (files.has(`${version}-data.sql`)) await adminQuery(live, file(`${version}-data.sql`));
        await expectOk(live, file(`${version}-check.sql`));
      }
      // The types know the views too (zapatos reads them like tables), and code using them compiles.
      const types = readFileSync(repo.file('src', 'db', 'zapatos', 'schema.d.ts'), 'utf8');
      for (const [, view] of file('v2.sql').matchAll(/CREATE (?:MATERIALIZED )?VIEW (\w+)/g)) {
        expect(types).toContain(`export namespace ${view} {`);
      }
      if (files.has('use.ts')) await expectCompiles(repo, file('use.ts'));
      // Nothing changed: nothing written.
      const before = migrations(repo);
      expect(await dbDiff(repo, 'again')).toBeUndefined();
      expect(migrations(repo)).toEqual(before);
    } finally {
      await dropDatabase(adminUrl, live);
      repo.dispose();
    }
  });

  it('two runs of the same diff write byte-identical migrations (views.txtar, v1)', { timeout: 120_000 }, async () => {
    const { files } = parseTxtar(readFileSync(path.join(corpus, 'views.txtar'), 'utf8'));
    const repo = scratchRepo();
    try {
      writeFileSync(repo.file('schema.sql'), `${readFileSync(repo.file('schema.sql'), 'utf8')}\n${files.get('v1.sql')}`);
      const texts: string[] = [];
      for (const run of [1, 2]) {
        const file = await diffMigration({
          root: repo.root,
          devUrl: dev,
          name: 'same',
          atlasFlags: targetFlags({ migrate: dev, dev }),
          echo: false,
        });
        texts.push(readFileSync(repo.file('migrations', file!), 'utf8'));
        if (run === 1) await removeMigration(repo.root, file!);
      }
      expect(texts[0]).toContain('CREATE MATERIALIZED VIEW public.book_ratings');
      expect(texts[1]).toBe(texts[0]);
    } finally {
      repo.dispose();
    }
  });

  it.each(cases)('%s: the same objects made by hand in a live database are drift', { timeout: 120_000 }, async (name) => {
    const { files } = parseTxtar(readFileSync(path.join(corpus, name), 'utf8'));
    const repo = scratchRepo();
    const live = await createDatabase(adminUrl, { empty: true });
    try {
      await apply(repo, live);
      await adminQuery(live, schemaSource(files.get('v1.sql')!).text); // as schema.sql runs (a dump's \restrict left out)
      // What the case adds, by Postgres' catalogs: every one of these must be named.
      const migrated = await catalogOfMigrations(dev, repo.root);
      writeFileSync(repo.file('schema.sql'), `${readFileSync(repo.file('schema.sql'), 'utf8')}\n${files.get('v1.sql')}`);
      const added = compareCatalogs(migrated, await catalogOfSchemaFile(dev, repo.root));
      expect(added.length).toBeGreaterThan(0);

      const result = await checkLiveDrift(repo.root, dev, live);
      expect(result.status).toBe('fail');
      const details = (result.details ?? []).join('\n');
      for (const { kind, name: object } of added) expect(details).toContain(`${kind} ${object}:`);
    } finally {
      await dropDatabase(adminUrl, live);
      repo.dispose();
    }
  });
});
