import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { readCatalog } from '../../src/catalog/read.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';

/**
 * A range type brings constructor functions (and a multirange type) that
 * Postgres makes and drops with it: they are not objects of their own, or
 * db:diff would write CREATE FUNCTION ... LANGUAGE internal for them.
 */
const adminUrl = inject('adminUrl');
let db: string;

beforeAll(async () => {
  db = await createDatabase(adminUrl, { empty: true });
});
afterAll(async () => {
  await dropDatabase(adminUrl, db);
});

it('the catalog holds a range type, not the functions Postgres made for it', async () => {
  await adminQuery(
    db,
    'CREATE TYPE page_range AS RANGE (SUBTYPE = integer); CREATE FUNCTION pages() RETURNS page_range LANGUAGE sql AS $$ SELECT page_range(1, 2) $$;',
  );
  const catalog = await readCatalog(db);
  const routines = [...catalog.values()].filter((object) => object.kind === 'function').map((object) => object.name);
  expect(routines).toEqual(['public.pages()']);
  expect(catalog.get('range type public.page_range')?.definition).toBe('CREATE TYPE public.page_range AS RANGE (SUBTYPE = integer);');
});
