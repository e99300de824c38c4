import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { migrationFiles } from '../../src/project/migration-files.ts';
import { squawkFindings } from '../../src/gate/squawk.ts';
import { isSquawkNoise } from '../../src/gate/squawk-noise.ts';

/**
 * Issue 19, C12/C14: the gate refused what db:diff itself wrote (an index on
 * a materialized view made in the same file; pg_dump's ALTER TABLE ONLY …
 * PRIMARY KEY after its CREATE TABLE) and warned on every varchar(n).
 * Real squawk, on real files.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'bookshelf-squawk-noise-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function migration(text: string) {
  const file = path.join(dir, '20261205000000_case.sql');
  writeFileSync(file, text);
  return { name: path.basename(file), path: file, text, noTransaction: false };
}
const found = async (text: string) => (await squawkFindings([migration(text)])).map((f) => `${f.line} ${f.rule}`);

describe('gate: squawk findings on objects the same file created are left out', () => {
  it("the project's own migrations raise nothing at all (no varchar(n) noise)", async () => {
    expect(await squawkFindings(migrationFiles(repoRoot))).toEqual([]);
  });

  it("pg_dump's table, primary key, index, matview and matview index in one file: clean", async () => {
    const dump = [
      'CREATE TABLE public.r (id integer NOT NULL, name character varying(20));',
      'ALTER TABLE ONLY public.r ADD CONSTRAINT r_pkey PRIMARY KEY (id);',
      'ALTER TABLE ONLY public.r ADD CONSTRAINT r_name_key UNIQUE (name);',
      'CREATE MATERIALIZED VIEW public.m AS SELECT id FROM public.r;',
      'CREATE UNIQUE INDEX m_id ON public.m USING btree (id);',
      'CREATE INDEX "r_Name" ON "r" (name);',
    ].join('\n');
    expect(await found(dump)).toEqual([]);
  });

  it('the same statements on tables that existed before still fail, and char(n) still warns', async () => {
    const text = [
      'CREATE TABLE public.r (id integer NOT NULL, code character(3));',
      'ALTER TABLE ONLY public.books ADD CONSTRAINT books_title_key UNIQUE (title);',
      'CREATE INDEX books_title ON public.books USING btree (title);',
      'CREATE MATERIALIZED VIEW other.m AS SELECT 1 AS id;',
      'CREATE UNIQUE INDEX m_id ON public.m (id);',
    ].join('\n');
    expect(await found(text)).toEqual([
      '1 ban-char-field',
      '2 constraint-missing-not-valid',
      '2 disallowed-unique-constraint',
      '3 require-concurrent-index-creation',
      '5 require-concurrent-index-creation',
    ]);
  });

  it('judges hundreds of findings in a real application’s first migration at once, not file × findings', { timeout: 60_000 }, () => {
    // Issue 19 E: 840 findings in a 1,812-statement first migration took 31.6 s when each split the file again.
    const statements = Array.from({ length: 1500 }, (_, i) => [
      `CREATE TABLE t${i} (id integer NOT NULL, at timestamp);`,
      `ALTER TABLE t${i} ALTER COLUMN at TYPE timestamp(6) without time zone;`,
    ]).flat();
    const text = statements.join('\n');
    const start = performance.now();
    const noise = statements.map((_, line) => line % 2 === 1 && isSquawkNoise(text, 'changing-column-type', line));
    expect(noise.filter(Boolean)).toHaveLength(1500);
    expect(performance.now() - start).toBeLessThan(20_000); // before: minutes; now well under a second
  });
});
