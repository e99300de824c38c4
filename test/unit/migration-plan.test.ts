import { describe, expect, it } from 'vitest';
import type { Catalog, CatalogObject } from '../../src/catalog/object.ts';
import { planAfterAtlas, planBeforeAtlas } from '../../src/catalog/plan.ts';

/**
 * plan.ts on hand-made catalogs (no database): the order of what db:diff
 * writes, and that it does not depend on the order the catalogs were read in.
 */
const catalog = (...objects: CatalogObject[]): Catalog => new Map(objects.map((o) => [`${o.kind} ${o.name}`, o]));
const shuffled = (c: Catalog): Catalog => new Map([...c].reverse());

const fn = (name: string, returns: string, body: string, dependsOn?: string[]): CatalogObject => ({
  kind: 'function',
  name: `public.${name}()`,
  definition: `CREATE OR REPLACE FUNCTION public.${name}()\n RETURNS ${returns}\n LANGUAGE sql\nAS $function$ ${body} $function$;`,
  ...(dependsOn ? { dependsOn } : {}),
});
const view = (name: string, columns: string[], uses: string[], query = columns.join(', ')): CatalogObject => ({
  kind: 'view',
  name: `public.${name}`,
  definition: `CREATE VIEW public.${name} AS\n SELECT ${query};`,
  dependsOn: uses,
  columns,
});
const table: CatalogObject = { kind: 'table', name: 'public.books', definition: 'CREATE TABLE public.books (…);' };
const column = (type: string): CatalogObject => ({
  kind: 'column',
  name: 'public.books.title',
  definition: `ALTER TABLE public.books ADD COLUMN title ${type};`,
  dependsOn: ['public.books'],
});

describe('planAfterAtlas', () => {
  it('creates views after what they read, views on views last, whatever order the catalogs come in', () => {
    const current = catalog(table, column('text'));
    const declared = catalog(
      table,
      column('text'),
      view('b_titles', ['title text'], ['public.books']),
      view('a_short', ['title text'], ['public.b_titles']),
      fn('answer', 'integer', 'SELECT 42'),
    );
    const plan = planAfterAtlas(current, declared);
    expect(plan.map((s) => s.split('\n')[0])).toEqual([
      'CREATE OR REPLACE FUNCTION public.answer()',
      'CREATE VIEW public.b_titles AS',
      'CREATE VIEW public.a_short AS',
    ]);
    expect(planAfterAtlas(shuffled(current), shuffled(declared))).toEqual(plan);
  });

  it('replaces a function in place when its result type stays; else drops it and its dependents, and creates them again', () => {
    const uses = ['public.n()'];
    const same = planAfterAtlas(catalog(fn('n', 'integer', 'SELECT 1')), catalog(fn('n', 'integer', 'SELECT 2')));
    expect(same).toEqual([fn('n', 'integer', 'SELECT 2').definition]);

    const current = catalog(fn('n', 'integer', 'SELECT 1'), view('v', ['n integer'], uses, 'public.n()'));
    const declared = catalog(fn('n', 'bigint', 'SELECT 2'), view('v', ['n bigint'], uses, 'public.n()'));
    expect(planAfterAtlas(current, declared).map((s) => s.split('\n')[0])).toEqual([
      'DROP VIEW public.v;',
      'DROP FUNCTION public.n();',
      'CREATE OR REPLACE FUNCTION public.n()',
      'CREATE VIEW public.v AS',
    ]);
  });

  it('drops and creates a function whose parameters are renamed (CREATE OR REPLACE cannot rename them)', () => {
    const named = (parameter: string): CatalogObject => ({
      kind: 'function',
      name: 'public.twice(integer)',
      definition: `CREATE OR REPLACE FUNCTION public.twice(${parameter} integer)\n RETURNS integer\n LANGUAGE sql\nAS $function$ SELECT ${parameter} * 2 $function$;`,
    });
    expect(planAfterAtlas(catalog(named('n')), catalog(named('m')))).toEqual([
      'DROP FUNCTION public.twice(integer);',
      named('m').definition,
    ]);
  });

  it('replaces a view in place only when columns are appended', () => {
    const now = view('v', ['a integer'], [], '1 AS a');
    const appended = view('v', ['a integer', 'b integer'], [], '1 AS a, 2 AS b');
    const renamed = view('v', ['c integer'], [], '1 AS c');
    expect(planAfterAtlas(catalog(now), catalog(appended))).toEqual(['CREATE OR REPLACE VIEW public.v AS\n SELECT 1 AS a, 2 AS b;']);
    expect(planAfterAtlas(catalog(now), catalog(renamed))).toEqual(['DROP VIEW public.v;', 'CREATE VIEW public.v AS\n SELECT 1 AS c;']);
  });

  it('stops, naming the object, where it writes no statement (a changed domain)', () => {
    const domain = (max: number): CatalogObject => ({
      kind: 'domain',
      name: 'public.rating',
      definition: `CREATE DOMAIN public.rating AS integer CONSTRAINT rating_check CHECK (VALUE <= ${max});`,
    });
    expect(() => planAfterAtlas(catalog(domain(5)), catalog(domain(10)))).toThrow(/^domain public\.rating: /);
  });
});

describe('planBeforeAtlas', () => {
  it('drops the views that read a column Atlas alters, and creates what Atlas needs (a domain, a function) first', () => {
    const domain: CatalogObject = { kind: 'domain', name: 'public.year', definition: 'CREATE DOMAIN public.year AS integer;' };
    const reader = view('titles', ['title text'], ['public.books']);
    const old = catalog(table, column('text'), reader);
    const declared = catalog(table, column('varchar(300)'), reader, domain, fn('code', 'text', "SELECT 'x'"));
    expect(planBeforeAtlas(old, declared).map((s) => s.split('\n')[0])).toEqual([
      'DROP VIEW public.titles;',
      'SET check_function_bodies = off;',
      'CREATE DOMAIN public.year AS integer;',
      'CREATE OR REPLACE FUNCTION public.code()',
      'RESET check_function_bodies;',
    ]);
  });

  it('drops only what reads the altered column (pg_depend), or the whole row; not what reads other columns', () => {
    const reads = (object: CatalogObject, readsColumns: string[]): CatalogObject => ({ ...object, readsColumns });
    const trigger = (name: string, readsColumns: string[]): CatalogObject => ({
      kind: 'trigger',
      name: `public.books.${name}`,
      definition: `CREATE TRIGGER ${name} BEFORE UPDATE ON public.books FOR EACH ROW EXECUTE FUNCTION public.touch();`,
      dependsOn: ['public.books', 'public.touch()'],
      readsColumns,
    });
    const parts = (type: string, defaultValue: string | null = null) => ({
      table: 'public.books',
      name: 'title',
      type,
      default: defaultValue,
      notNull: false,
      fixed: '',
    });
    const old = catalog(
      table,
      { ...column('text'), column: parts('text') },
      reads(view('titles', ['title text'], ['public.books']), ['public.books.title']),
      reads(view('ids', ['id integer'], ['public.books']), ['public.books.id']),
      reads(view('on_ids', ['id integer'], ['public.ids']), ['public.ids.id']),
      reads(view('rows', ['b text'], ['public.books'], 'row_to_json(b)'), ['public.books.*']),
      trigger('touch_title', ['public.books.title']),
      trigger('touch_any', []),
    );
    const altered = new Map(old);
    altered.set('column public.books.title', { ...column('varchar(300)'), column: parts('character varying(300)') });
    expect(planBeforeAtlas(old, altered)).toEqual([
      'DROP TRIGGER touch_title ON public.books;',
      'DROP VIEW public.titles;',
      'DROP VIEW public.rows;',
    ]);
    // A new default is no ALTER COLUMN TYPE: nothing needs to go.
    const defaulted = new Map(old);
    defaulted.set('column public.books.title', { ...column("text DEFAULT ''"), column: parts('text', "''") });
    expect(planBeforeAtlas(old, defaulted)).toEqual([]);
  });

  it('leaves a function that takes a table Atlas has yet to create for after Atlas', () => {
    const rowFunction = fn('first_book', 'public.books', 'SELECT * FROM books LIMIT 1', ['public.books']);
    expect(planBeforeAtlas(catalog(), catalog(table, rowFunction))).toEqual([]);
    expect(planAfterAtlas(catalog(table), catalog(table, rowFunction))).toEqual([rowFunction.definition]);
  });
});

describe('planAfterAtlas drops', () => {
  it('a trigger before its function (a trigger goes with its table, not with its function)', () => {
    const touch = fn('touch', 'trigger', 'BEGIN RETURN NEW; END');
    const trigger: CatalogObject = {
      kind: 'trigger',
      name: 'public.books.books_touch',
      definition: 'CREATE TRIGGER books_touch BEFORE UPDATE ON public.books FOR EACH ROW EXECUTE FUNCTION public.touch();',
      dependsOn: ['public.books', 'public.touch()'],
    };
    expect(planAfterAtlas(catalog(table, touch, trigger), catalog(table))).toEqual([
      'DROP TRIGGER books_touch ON public.books;',
      'DROP FUNCTION public.touch();',
    ]);
  });

  it('an index with its materialized view, without a drop of its own', () => {
    const matview: CatalogObject = {
      kind: 'materialized view',
      name: 'public.m',
      definition: 'CREATE MATERIALIZED VIEW public.m AS\n SELECT 1 AS a;',
    };
    const index: CatalogObject = {
      kind: 'index',
      name: 'public.m_a',
      definition: 'CREATE INDEX m_a ON public.m USING btree (a);',
      dependsOn: ['public.m'],
    };
    expect(planAfterAtlas(catalog(matview, index), catalog())).toEqual(['DROP MATERIALIZED VIEW public.m;']);
  });
});
