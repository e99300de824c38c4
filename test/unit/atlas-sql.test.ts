import { describe, expect, it } from 'vitest';
import { correctAtlasSql } from '../../src/catalog/atlas-sql.ts';
import type { Catalog, CatalogObject } from '../../src/catalog/object.ts';
import { splitStatements, splittableByAtlas } from '../../src/project/sql-statements.ts';

/**
 * Issue 19: what cannot be corrected after Atlas's statements is corrected in
 * them (src/catalog/atlas-sql.ts), and a function with an SQL-standard body
 * reaches Atlas whole (src/project/sql-statements.ts).
 */
const catalogOf = (...objects: CatalogObject[]): Catalog => new Map(objects.map((object) => [`${object.kind} ${object.name}`, object]));
const column = (table: string, name: string, type: string): CatalogObject => ({
  kind: 'column',
  name: `${table}.${name}`,
  definition: `ALTER TABLE ${table} ADD COLUMN ${name} ${type} NOT NULL;`,
  column: { table, name, type, default: null, notNull: true, fixed: '' },
});
const visits = catalogOf(
  { kind: 'table', name: 'public.visits', definition: 'CREATE TABLE public.visits (…) PARTITION BY RANGE (created_at);' },
  column('public.visits', 'id', 'bigint'),
  column('public.visits', 'created_at', 'timestamp(6) without time zone'),
  column('public.visits', 'updated_at', 'timestamp(6) without time zone'),
);

describe('a partition key column gets its declared type in Atlas’s CREATE TABLE', () => {
  it('one line, as atlas migrate diff writes it: only the key column changes', () => {
    const atlas =
      'CREATE TABLE "visits" ("id" bigint NOT NULL, "created_at" timestamp NOT NULL, "updated_at" timestamp NOT NULL, ' +
      'PRIMARY KEY ("id", "created_at")) PARTITION BY RANGE ("created_at");\n';
    expect(correctAtlasSql(atlas, visits)).toBe(
      atlas.replace('"created_at" timestamp NOT NULL', '"created_at" timestamp(6) without time zone NOT NULL'),
    );
  });
  it('indented and schema-qualified, as atlas schema inspect writes it', () => {
    const atlas =
      'CREATE TABLE "public"."visits" (\n  "id" bigint NOT NULL,\n  "created_at" timestamp NOT NULL\n) PARTITION BY RANGE ("created_at");';
    expect(correctAtlasSql(atlas, visits)).toContain('\n  "created_at" timestamp(6) without time zone NOT NULL\n');
  });
  it('a table that exists already, or one that is not partitioned, is left as it is', () => {
    const atlas = 'CREATE TABLE "visits" ("created_at" timestamp NOT NULL) PARTITION BY RANGE ("created_at");';
    expect(correctAtlasSql(atlas, visits, () => false)).toBe(atlas);
    const plain = 'CREATE TABLE "visits" ("created_at" timestamp NOT NULL);';
    expect(correctAtlasSql(plain, visits)).toBe(plain);
  });
});

describe('Atlas’s index for a UNIQUE or EXCLUDE constraint is left out (the constraint makes its own)', () => {
  const catalog = catalogOf(
    {
      kind: 'constraint',
      name: 'public.shelves.shelves_name_key',
      definition: 'ALTER TABLE public.shelves ADD CONSTRAINT shelves_name_key UNIQUE (name);',
    },
    {
      kind: 'constraint',
      name: 'public.titles.titles_room_booked_excl',
      definition: 'ALTER TABLE public.titles ADD CONSTRAINT titles_room_booked_excl EXCLUDE USING gist (room WITH =, booked WITH &&);',
    },
  );
  it('drops the statement and its comment; other indexes stay', () => {
    const atlas = [
      '-- Create index "shelves_name_key" to table: "shelves"',
      'CREATE UNIQUE INDEX "shelves_name_key" ON "shelves" ("name");',
      '-- Create index "titles_room_booked_excl" to table: "titles"',
      'CREATE INDEX "titles_room_booked_excl" ON "titles" USING gist ("room", "booked");',
      '-- Create index "titles_room_idx" to table: "titles"',
      'CREATE INDEX "titles_room_idx" ON "titles" ("room");',
      '',
    ].join('\n');
    expect(correctAtlasSql(atlas, catalog)).toBe(
      '-- Create index "titles_room_idx" to table: "titles"\nCREATE INDEX "titles_room_idx" ON "titles" ("room");\n',
    );
  });
});

const atomic = `CREATE FUNCTION public.shelf_load(s bigint) RETURNS bigint
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT CASE WHEN s > 0 THEN count(*) ELSE 0 END AS count
    FROM public.placements
   WHERE (placements.shelf_id = shelf_load.s);
 SELECT 1;
END;`;

describe('BEGIN ATOMIC … END is one statement', () => {
  it('splitStatements ends it at the ; after END, as psql does', () => {
    const statements = splitStatements(`CREATE TABLE t (id int);\n${atomic}\nCREATE VIEW v AS SELECT 1;\n`);
    expect(statements.map((statement) => statement.text)).toEqual(['CREATE TABLE t (id int);', atomic, 'CREATE VIEW v AS SELECT 1;']);
  });
  it('a plpgsql body and a CASE outside a routine do not change the splitting', () => {
    const sql =
      'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;\nSELECT CASE WHEN true THEN 1 END;\nSELECT 2;';
    expect(splitStatements(sql)).toHaveLength(3);
  });
  it('splittableByAtlas runs it whole through DO … EXECUTE, on the same lines; other statements stay', () => {
    const sql = `CREATE TABLE t (id int);\n${atomic}\nCREATE FUNCTION g() RETURNS int LANGUAGE sql RETURN 1;\n`;
    const out = splittableByAtlas(sql);
    expect(out.split('\n')).toHaveLength(sql.split('\n').length);
    expect(out).toContain(`DO $atomic$ BEGIN EXECUTE $body$${atomic.slice(0, -1)}$body$; END $atomic$;`);
    expect(out).toContain('CREATE TABLE t (id int);\n');
    expect(out).toContain('CREATE FUNCTION g() RETURNS int LANGUAGE sql RETURN 1;');
    // Atlas splits at every ; outside quotes: dollar quotes hide the body's.
    expect(splitStatements(out)).toHaveLength(3);
  });
});
