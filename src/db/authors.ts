import type { Queryable } from '@databases/pg';
import * as db from 'zapatos/db';
import type * as s from 'zapatos/schema';
import { pageQuery, toJsonPage, type JsonPage, type PageRow } from './json-page.ts';
import { pageLimits, type Page } from './page.ts';
import { insertOne, prepare, run } from './run.ts';

/** What the API returns for an author: the row, timestamps as ISO strings. */
export type Author = s.authors.JSONSelectable;
export type AuthorWithBooks = Author & { books: s.books.JSONSelectable[] };
export type NewAuthor = s.authors.Insertable;
export type AuthorChanges = s.authors.Updatable;

const byId = { order: { by: 'id', direction: 'ASC' } } as const;

/** Pages of authors as JSON text (see json-page.ts), compiled once: the guide's hot read. */
const page = {
  // The guide's GET /authors: the default page, with a constant limit. On the
  // app's pool it is a named statement like the others; where statements go
  // unnamed (a pooler without them), no parameters means Postgres' simple
  // query protocol (one message instead of parse/bind/execute).
  firstDefault: prepare<PageRow[], []>(
    pageQuery(
      db.sql<s.authors.SQL>`SELECT to_json(${'authors'})::text AS json, ${'id'} FROM ${'authors'} ORDER BY ${'id'} LIMIT ${db.raw(String(pageLimits.default))}`,
    ),
  ),
  first: prepare<PageRow[], [limit: number]>(
    pageQuery(
      db.sql<s.authors.SQL>`SELECT to_json(${'authors'})::text AS json, ${'id'} FROM ${'authors'} ORDER BY ${'id'} LIMIT ${db.param(0)}`,
    ),
  ),
  after: prepare<PageRow[], [after: number, limit: number]>(
    pageQuery(
      db.sql<s.authors.SQL>`SELECT to_json(${'authors'})::text AS json, ${'id'} FROM ${'authors'} WHERE ${'id'} > ${db.param(0)} ORDER BY ${'id'} LIMIT ${db.param(0)}`,
    ),
  ),
};

/**
 * A page of authors in id order, as JSON text Postgres builds (the same
 * objects db.select would return: every column, timestamps as ISO text).
 */
export async function listAuthors(q: Queryable, { limit, after }: Page): Promise<JsonPage<Author>> {
  if (after !== undefined) return toJsonPage(await page.after(q, after, limit));
  return toJsonPage(limit === pageLimits.default ? await page.firstDefault(q) : await page.first(q, limit));
}

export async function getAuthor(q: Queryable, id: number): Promise<Author | undefined> {
  return run(q, db.selectOne('authors', { id }));
}

/** An author with all their books, in one SQL query (a lateral subquery). */
export function getAuthorWithBooks(q: Queryable, id: number): Promise<AuthorWithBooks | undefined> {
  return run(q, db.selectOne('authors', { id }, { lateral: { books: db.select('books', { author_id: db.parent('id') }, byId) } }));
}

const insertAuthor = insertOne('authors');

export function createAuthor(q: Queryable, author: NewAuthor): Promise<Author> {
  return insertAuthor(q, author);
}

export async function updateAuthor(q: Queryable, id: number, changes: AuthorChanges): Promise<Author | undefined> {
  const [updated] = await run(q, db.update('authors', changes, { id }));
  return updated;
}

/** Deletes an author; fails with a foreign-key violation (23503) while they have books. */
export async function deleteAuthor(q: Queryable, id: number): Promise<boolean> {
  const deleted = await run(q, db.deletes('authors', { id }, { returning: ['id'] }));
  return deleted.length > 0;
}
