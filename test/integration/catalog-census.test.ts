import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readCatalog } from '../../src/catalog/read.ts';
import { UncomparedObjectsError } from '../../src/catalog/uncompared.ts';
import { resetScratchDatabase } from '../../src/postgres/scratch.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';

/**
 * The catalog census (src/catalog/census.ts): a database holding an object
 * the catalog reader does not read fails the read by name (issue 19, B9:
 * CREATE OPERATOR was lost with every check green), while what a real
 * schema holds and the reader does read (extensions and their operators,
 * opclasses and casts, types with their array types, serials) passes.
 */
const adminUrl = inject('adminUrl');
let db: string;

beforeAll(async () => {
  db = await createDatabase(adminUrl, { empty: true });
});
afterAll(async () => {
  await dropDatabase(adminUrl, db);
});

/** What readCatalog refuses in `db` after `sql`, as "kind name" lines (empty when it reads it). */
async function refused(sql: string): Promise<string[]> {
  await resetScratchDatabase(db);
  await adminQuery(db, sql);
  try {
    await readCatalog(db, { uncompared: { source: 'schema.sql' } });
    return [];
  } catch (error) {
    if (!(error instanceof UncomparedObjectsError)) throw error;
    return error.objects.map((object) => `${object.kind} ${object.name}`);
  }
}

const table = 'CREATE TABLE public.t (id integer PRIMARY KEY, a text, b text);';

describe('catalog census: kinds the comparison does not read fail closed, by name', () => {
  it('a schema of read kinds, with extensions that bring operators, operator classes and casts, passes', async () => {
    const sql = `
      CREATE EXTENSION citext; CREATE EXTENSION pg_trgm; CREATE EXTENSION btree_gist; CREATE EXTENSION hstore;
      CREATE EXTENSION ltree; CREATE EXTENSION pgcrypto;
      CREATE SCHEMA s2; CREATE TYPE public.mood AS ENUM ('a', 'b'); CREATE TYPE public.span AS RANGE (SUBTYPE = integer);
      CREATE DOMAIN public.pos AS integer CHECK (VALUE > 0); CREATE TYPE public.pair AS (x integer, y integer);
      CREATE TABLE s2.t (id serial PRIMARY KEY, tags public.mood[], name citext, h hstore, p ltree, during public.span);
      CREATE INDEX ON s2.t USING gist (name gist_trgm_ops); CREATE MATERIALIZED VIEW s2.m AS SELECT id FROM s2.t;
      COMMENT ON TABLE s2.t IS 'read'; COMMENT ON COLUMN s2.t.id IS 'read';`;
    expect(await refused(sql)).toEqual([]);
  });

  it.each([
    [
      'an operator (the issue: lost with every check green)',
      `CREATE FUNCTION public.r12_f(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT $2 ~ $1 $$;
       CREATE OPERATOR public.~<< (FUNCTION = public.r12_f, LEFTARG = text, RIGHTARG = text);`,
      ['operator public.~<<(pg_catalog.text,pg_catalog.text)'],
    ],
    [
      'an operator class (and not again its family of the same name)',
      `CREATE FUNCTION public.cmp(integer, integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN $1 < $2 THEN -1 WHEN $1 > $2 THEN 1 ELSE 0 END $$;
       CREATE OPERATOR CLASS public.rev_ops FOR TYPE integer USING btree AS OPERATOR 1 <, OPERATOR 3 =, OPERATOR 5 >, FUNCTION 1 public.cmp(integer, integer);`,
      ['operator class public.rev_ops USING btree'],
    ],
    ['an operator family', 'CREATE OPERATOR FAMILY public.fam USING hash;', ['operator family public.fam USING hash']],
    [
      'a cast',
      `CREATE TYPE public.pair AS (x integer, y integer);
       CREATE FUNCTION public.pair_text(public.pair) RETURNS text LANGUAGE sql AS $$ SELECT $1::text $$;
       CREATE CAST (public.pair AS text) WITH FUNCTION public.pair_text(public.pair);`,
      ['cast (public.pair AS pg_catalog.text)'],
    ],
    ['a collation', `CREATE COLLATION public.de (provider = icu, locale = 'de-DE');`, ['collation public.de']],
    [
      'text search configuration and dictionary',
      `CREATE TEXT SEARCH DICTIONARY public.simple_d (TEMPLATE = pg_catalog.simple);
       CREATE TEXT SEARCH CONFIGURATION public.cfg (COPY = pg_catalog.english);`,
      ['text search configuration public.cfg', 'text search dictionary public.simple_d'],
    ],
    ['a statistics object', `${table} CREATE STATISTICS public.st ON a, b FROM public.t;`, ['statistics object public.st']],
    ['a rule', `${table} CREATE RULE r AS ON DELETE TO public.t DO INSTEAD NOTHING;`, ['rule r on public.t']],
    [
      'an event trigger',
      `CREATE FUNCTION public.et() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
       CREATE EVENT TRIGGER et ON ddl_command_end EXECUTE FUNCTION public.et();`,
      ['event trigger et'],
    ],
    ['a publication', `${table} CREATE PUBLICATION pub FOR TABLE public.t;`, ['publication pub']],
    [
      'a foreign data wrapper, server and table',
      `CREATE FOREIGN DATA WRAPPER w; CREATE SERVER srv FOREIGN DATA WRAPPER w;
       CREATE FOREIGN TABLE public.ft (id integer) SERVER srv;`,
      ['foreign table public.ft', 'foreign-data wrapper w', 'server srv'],
    ],
    [
      'a comment on a constraint',
      `${table} COMMENT ON CONSTRAINT t_pkey ON public.t IS 'not read';`,
      ['comment on table constraint t_pkey on public.t'],
    ],
    ['a column storage setting', `${table} ALTER TABLE public.t ALTER COLUMN a SET STORAGE EXTERNAL;`, ['column SET STORAGE public.t.a']],
    ['a replica identity', `${table} ALTER TABLE public.t REPLICA IDENTITY FULL;`, ['replica identity FULL public.t']],
  ])('%s', async (_what, sql, expected) => {
    const found = await refused(sql);
    expect(found).toEqual(expected);
  });

  it('the error says where, what, and what to do', async () => {
    await resetScratchDatabase(db);
    await adminQuery(db, `${table} CREATE RULE r AS ON DELETE TO public.t DO INSTEAD NOTHING;`);
    const error = await readCatalog(db, { uncompared: { source: 'schema.sql' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UncomparedObjectsError);
    const message = (error as Error).message;
    expect(message.split('\n')[0]).toBe('schema.sql has 1 object that bookshelf does not compare: rule r on public.t');
    expect(message).toContain('docs/pg-dump.md');
    // A caller that reports them itself can still read the rest.
    expect((await readCatalog(db, { uncompared: false })).has('table public.t')).toBe(true);
  });
});
