import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { missingAnalyzers } from '../../src/gate/lint.ts';
import { atlas, atlasOrThrow, failureLine } from '../../src/atlas/run.ts';
import { targetFlags } from '../../src/atlas/flags.ts';
import { createDatabase, dropDatabase } from '../support/postgres.ts';
import { scratchRepo } from '../support/scratch-repo.ts';

/**
 * What a user reads when Atlas fails: the project's advice instead of
 * Atlas's "run atlas migrate hash", the file and line of a bad statement,
 * the real error rather than a community build's upgrade notice, and which
 * Atlas ran. Real Atlas on a real Postgres, except where a behaviour belongs
 * to another Atlas version: there a script stands in for it (ATLAS_BIN).
 */
const adminUrl = inject('adminUrl');
let dev: string;
let repo: ReturnType<typeof scratchRepo> | undefined;
const bin = mkdtempSync(path.join(tmpdir(), 'bookshelf-fake-atlas-'));

beforeAll(async () => {
  dev = await createDatabase(adminUrl, { empty: true });
});
afterAll(async () => {
  await dropDatabase(adminUrl, dev);
  rmSync(bin, { recursive: true, force: true });
});
afterEach(() => {
  repo?.dispose();
  repo = undefined;
  delete process.env.ATLAS_BIN;
  vi.restoreAllMocks();
});

/** Atlas v1.2.3 community as far as bookshelf can tell: its version line, a lint with no findings, and its notice on errors. */
function fakeCommunityAtlas(): string {
  const file = path.join(mkdtempSync(path.join(bin, 'v1-')), 'atlas');
  writeFileSync(
    file,
    `#!/bin/sh
case "$1 $2" in
  "version "*) echo 'atlas community version v1.2.3'; exit 0 ;;
  "migrate lint") echo '[]'; exit 0 ;;
esac
cat >&2 <<'EOF'
Error: pq: relation "books" does not exist

Notice: This Atlas edition lacks support for features such as checkpoints,
testing, down migrations, and more.

To install the non-community version of Atlas, use the following command:

	curl -sSf https://atlasgo.sh | sh

Or, visit the website to see all installation options:

	https://atlasgo.io/docs#installation

EOF
exit 1
`,
  );
  chmodSync(file, 0o755);
  return file;
}

/** What the command printed to stdout, while `body` runs. */
async function stdoutOf(body: () => Promise<unknown>): Promise<string> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void (out += `${args.join(' ')}\n`));
  await body().catch((error: Error) => (out += `thrown: ${error.message}\n`));
  vi.restoreAllMocks();
  return out;
}

describe('Atlas failures, in the project’s words', () => {
  it('an edited, applied migration: restore it and write a new one, not `atlas migrate hash`', async () => {
    repo = scratchRepo();
    const target = await createDatabase(adminUrl, { empty: true });
    await atlasOrThrow(['migrate', 'apply', ...targetFlags({ migrate: target, dev: undefined })], { echo: false, cwd: repo.root });
    appendFileSync(repo.file('migrations', '20261126000607_add_country_to_author.sql'), 'ALTER TABLE books ADD COLUMN isbn text;\n');
    const output = await stdoutOf(() =>
      atlasOrThrow(['migrate', 'status', ...targetFlags({ migrate: target, dev: undefined })], { cwd: repo!.root }),
    );
    await dropDatabase(adminUrl, target);
    expect(output).toContain('thrown: atlas migrate status failed (exit 1)');
    expect(output).toContain('must never change: restore it (`git checkout -- migrations/`)');
    expect(output).toContain('npm run db:diff -- <name>');
    expect(output).not.toContain('to re-hash the contents and resolve the error'); // Atlas's own advice is gone
    expect(output).not.toMatch(/Please check your migration files and run/);
  });

  it('a syntax error in schema.sql names schema.sql and the line', async () => {
    repo = scratchRepo();
    const schema = readFileSync(repo.file('schema.sql'), 'utf8');
    writeFileSync(repo.file('schema.sql'), `${schema.trimEnd()}\n\n-- a typo\nCREATE TABEL oops (\n  id int\n);\n`);
    const line = schema.trimEnd().split('\n').length + 3;
    const error = await atlasOrThrow(['migrate', 'diff', 'oops', ...targetFlags({ migrate: dev, dev })], {
      echo: false,
      cwd: repo.root,
    }).catch((e: Error) => e);
    expect((error as Error).message).toContain(`schema.sql:${line}: syntax error at or near "TABEL"\n    CREATE TABEL oops (`);
    expect((error as Error).message).not.toContain('from version "schema"');
  });

  it('a migration that does not replay names its file and line', async () => {
    repo = scratchRepo();
    writeFileSync(
      repo.file('migrations', '20261126000608_typo.sql'),
      '-- first line\nALTER TABLE authors ADD COLUMN x int;\nALTER TABEL books ADD COLUMN y int;\n',
    );
    await atlasOrThrow(['migrate', 'hash', ...targetFlags({ migrate: dev, dev })], { echo: false, cwd: repo.root });
    const error = await atlasOrThrow(['migrate', 'diff', 'next', ...targetFlags({ migrate: dev, dev })], {
      echo: false,
      cwd: repo.root,
    }).catch((e: Error) => e);
    expect((error as Error).message).toContain('migrations/20261126000608_typo.sql:3: syntax error at or near "TABEL"');
  });
});

describe('another Atlas version (a stand-in for v1.2.3 community)', () => {
  it('its upgrade notice is not taken for the error', async () => {
    process.env.ATLAS_BIN = fakeCommunityAtlas();
    const run = await atlas(['migrate', 'apply'], { echo: false });
    expect(run.code).toBe(1);
    expect(failureLine(run)).toBe('Error: pq: relation "books" does not exist');
    expect(run.stderr).not.toContain('Notice');
    const shown = await stdoutOf(() => atlas(['migrate', 'apply']));
    expect(shown).toContain('Error: pq: relation "books" does not exist');
    expect(shown).not.toContain('atlasgo.sh');
  });

  it('which Atlas ran is said once, with its version', async () => {
    process.env.ATLAS_BIN = fakeCommunityAtlas();
    const shown = await stdoutOf(async () => {
      await atlas(['migrate', 'lint']);
      await atlas(['migrate', 'lint']);
    });
    expect(shown.match(/\(Atlas v1\.2\.3: ATLAS_BIN=.*\/atlas\)/g)).toHaveLength(1);
    expect(shown.match(/\$ atlas migrate lint/g)).toHaveLength(2);
  });

  it('db:check says which lint analyzers that Atlas lacks, rather than passing in silence', () => {
    expect(missingAnalyzers()).toEqual([]); // bookshelf's build has them all
    process.env.ATLAS_BIN = fakeCommunityAtlas();
    const notes = missingAnalyzers();
    expect(notes).toHaveLength(2);
    expect(notes[0]).toContain('Atlas v1.2.3 has no concurrent-index analyzer (PG101-PG103)');
    expect(notes[1]).toContain('no naming analyzer');
  });
});
