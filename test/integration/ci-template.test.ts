import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { atlasOrThrow } from '../../src/atlas/run.ts';
import { typesFromMigrations } from '../../src/commands/db-types.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { ensureTool } from '../../src/go-tools/ensure.ts';
import { toolsDir } from '../../src/go-tools/locate.ts';
import type { ReviewReport } from '../../src/project-check/report/model.ts';
import { runToEnd } from '../support/process.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';
import { scratchRepo } from '../support/scratch-repo.ts';
import { runClientTypes } from '../../src/project/client-types.ts';

/**
 * The CI template users copy (templates/github/): the workflow passes the
 * real actionlint, and its steps, scripts in the repository, run for real
 * with a local Postgres standing in for the Neon branch and for production.
 */
const adminUrl = inject('adminUrl');
const workflows = path.join(repoRoot, 'templates', 'github', 'workflows');

describe('the CI template', () => {
  it('passes actionlint, which does fail a broken workflow', async () => {
    const actionlint = await ensureTool('actionlint');
    const files = readdirSync(workflows)
      .filter((f) => f.endsWith('.yml'))
      .map((f) => path.join(workflows, f));
    expect(files.length).toBeGreaterThan(0);
    // -shellcheck= -pyflakes=: the same verdict on every machine, whether or not those programs are installed.
    const lint = (targets: string[]) => runToEnd(actionlint, ['-no-color', '-shellcheck=', '-pyflakes=', ...targets], { cwd: repoRoot });
    const clean = await lint(files);
    expect(clean.output).toBe('');
    expect(clean.code).toBe(0);

    const dir = mkdtempSync(path.join(tmpdir(), 'bookshelf-actionlint-'));
    try {
      const broken = path.join(dir, 'broken.yml');
      writeFileSync(broken, readFileSync(files[0]!, 'utf8').replaceAll('github.event_name', 'github.event_nmae'));
      const run = await lint([broken]);
      expect(run.code).toBe(1);
      expect(run.output).toMatch(/property "event_nmae" is not defined/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

describe("the template's scripts, against local Postgres", () => {
  let repo: ReturnType<typeof scratchRepo>;
  let dev: string;
  let branch: string;
  let production: string;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-C', repo.root, ...args], { stdio: 'pipe' });
  const script = (name: string, env: Record<string, string>) =>
    runToEnd(path.join(repo.root, 'templates', 'github', 'scripts', name), [], {
      cwd: repo.root,
      env: { ...process.env, DATABASE_URL: '', DIRECT_DATABASE_URL: '', ATLAS_DEV_URL: '', ...env },
    });

  beforeAll(async () => {
    dev = await createDatabase(adminUrl, { empty: true });
    branch = await createDatabase(adminUrl); // the Neon branch of production: migrated, with rows
    production = await createDatabase(adminUrl);
    for (const url of [branch, production])
      await adminQuery(url, `INSERT INTO authors (name) VALUES ('Octavia E. Butler'), ('Ted Chiang')`);
    repo = scratchRepo({ runnable: true });
    cpSync(path.join(repoRoot, 'templates'), repo.file('templates'), { recursive: true });
    symlinkSync(toolsDir, repo.file('.tools'));
    writeFileSync(repo.file('.gitignore'), 'node_modules\n.atlas\n.tools\n.review\n');
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'production');
    // The pull request: a column added the declarative way.
    git('checkout', '-qb', 'add-website');
    writeFileSync(
      repo.file('schema.sql'),
      readFileSync(repo.file('schema.sql'), 'utf8').replace(
        '  country    varchar(100),\n',
        '  country    varchar(100),\n  website    text,\n',
      ),
    );
    await atlasOrThrow(['migrate', 'diff', 'add_website', ...targetFlags({ migrate: dev, dev })], { echo: false, cwd: repo.root });
    await typesFromMigrations(dev, repo.file('src', 'db'), false, repo.root);
    const client = await runClientTypes(repo.root, 'write'); // as db:diff does: the typed client follows the shapes
    if (client.code !== 0) throw new Error(client.output);
    git('add', '-A');
    git('commit', '-qm', 'add website');
  }, 300_000);
  afterAll(async () => {
    repo?.dispose();
    for (const url of [dev, branch, production]) if (url) await dropDatabase(adminUrl, url);
  });

  it('review.sh writes the report for the pull request; apply.sh applies the migration to production', async () => {
    const review = await script('review.sh', { BRANCH_DATABASE_URL: branch, ATLAS_DEV_URL: dev, BASE_REF: 'main', REVIEW_DIR: '.review' });
    expect(review.output).toContain('db:check: all 5 checks passed');
    expect(review.code).toBe(0);
    const markdown = readFileSync(repo.file('.review', 'review.md'), 'utf8');
    const json = JSON.parse(readFileSync(repo.file('.review', 'review.json'), 'utf8')) as ReviewReport;
    const file = readdirSync(repo.file('migrations')).find((f) => f.endsWith('_add_website.sql'))!;
    expect(json.base).toBe('main');
    expect(json.migrations.map((m) => m.file)).toEqual([file]);
    expect(json.rehearsal.status).toBe('done');
    const rehearsal = json.rehearsal.status === 'done' ? json.rehearsal : undefined;
    const add = rehearsal!.files.find((f) => f.file === file)!.statements[0]!;
    expect(add.sql).toMatch(/ALTER TABLE "authors" ADD COLUMN "website" text/);
    expect(add.locks).toContainEqual(expect.objectContaining({ relation: 'authors', mode: 'AccessExclusiveLock', measured: true }));
    expect(add.rewrites).toEqual([]); // a nullable column without a default: no rewrite
    expect(json.api.status === 'done' && json.api.breaking).toEqual([]);
    expect(json.api.status === 'done' && json.api.other.map((d) => d.text).join('\n')).toMatch(/website/);
    expect(markdown).toMatch(/^## Migration review$/m);
    expect(markdown).toContain(`### \`${file}\``);
    expect(markdown).toMatch(/API: no breaking change/);
    expect(markdown).toContain(':***@');
    expect(markdown).not.toContain(`:${new URL(branch).password}@`);
    // --rehearse-on applied the migration to the branch itself (the workflow resets the branch before each run).
    const onBranch = await adminQuery(
      branch,
      `SELECT 1 FROM information_schema.columns WHERE table_name = 'authors' AND column_name = 'website'`,
    );
    expect(onBranch.rowCount).toBe(1);

    // Merged: the push to main applies it to production, over the direct URL.
    const before = await adminQuery(
      production,
      `SELECT 1 FROM information_schema.columns WHERE table_name = 'authors' AND column_name = 'website'`,
    );
    expect(before.rowCount).toBe(0);
    const apply = await script('apply.sh', { DIRECT_DATABASE_URL: production, ATLAS_DEV_URL: dev });
    expect(apply.output).toMatch(/db:apply: applied 1 migration\(s\): .*add_website/);
    expect(apply.code).toBe(0);
    const after = await adminQuery(production, `SELECT count(*)::int AS n FROM authors WHERE website IS NULL`);
    expect(after.rows[0].n).toBe(2);
  }, 300_000);

  it('apply.sh without the secret exits non-zero and names it', async () => {
    const run = await script('apply.sh', { ATLAS_DEV_URL: dev });
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/DIRECT_DATABASE_URL.*direct \(non-pooled\)/);
  }, 300_000);
});
