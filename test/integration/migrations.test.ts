import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { atlas } from '../../src/atlas/run.ts';
import { typesFromMigrations } from '../../src/commands/db-types.ts';
import { atlasUrl } from '../../src/atlas/flags.ts';
import { createDatabase, dropDatabase } from '../support/postgres.ts';

const adminUrl = inject('adminUrl');
let migrated: string;
let dev: string;

beforeAll(async () => {
  migrated = await createDatabase(adminUrl);
  dev = await createDatabase(adminUrl, { empty: true });
});
afterAll(async () => {
  await dropDatabase(adminUrl, migrated);
  await dropDatabase(adminUrl, dev);
});

describe('migrations/ and schema.sql', () => {
  it('replaying the migrations gives exactly schema.sql (Atlas sees no difference)', async () => {
    const diff = await atlas(['schema', 'diff', '--from', atlasUrl(migrated), '--to', 'file://schema.sql', '--dev-url', atlasUrl(dev)], {
      echo: false,
    });
    expect(diff.stderr).toBe('');
    expect(diff.code).toBe(0);
    expect(diff.stdout.trim()).toBe('Schemas are synced, no changes to be made.');
  });

  it('atlas migrate validate accepts the directory and atlas.sum', async () => {
    const validate = await atlas(['migrate', 'validate', '--dir', 'file://migrations', '--dev-url', atlasUrl(dev)], {
      echo: false,
    });
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);
  });

  it('tells the guide’s story: init_setup without country, then add_country_to_author', async () => {
    const sum = readFileSync(path.join(repoRoot, 'migrations', 'atlas.sum'), 'utf8');
    const files = [...sum.matchAll(/^(\S+\.sql) h1:/gm)].map((match) => match[1]);
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^\d{14}_init_setup\.sql$/);
    expect(files[1]).toMatch(/^\d{14}_add_country_to_author\.sql$/);
    const init = readFileSync(path.join(repoRoot, 'migrations', files[0]!), 'utf8');
    expect(init).toContain('CREATE TABLE "authors"');
    expect(init).toContain('CREATE TABLE "books"');
    expect(init).toContain('CREATE INDEX "books_author_id_idx" ON "books" ("author_id")');
    expect(init).not.toContain('country');
    const addCountry = readFileSync(path.join(repoRoot, 'migrations', files[1]!), 'utf8');
    expect(addCountry).toContain('ALTER TABLE "authors" ADD COLUMN "country" character varying(100) NULL;');
  });
});

describe('zapatos types', () => {
  it('the committed src/db/zapatos/schema.d.ts equals freshly generated types', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'bookshelf-types-'));
    try {
      await typesFromMigrations(dev, out, false);
      const fresh = readFileSync(path.join(out, 'zapatos', 'schema.d.ts'), 'utf8');
      const committed = readFileSync(path.join(repoRoot, 'src', 'db', 'zapatos', 'schema.d.ts'), 'utf8');
      expect(fresh).toContain('export namespace authors');
      expect(fresh).not.toContain('atlas_schema_revisions');
      expect(committed).toBe(fresh);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
