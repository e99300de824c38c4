import type { Queryable } from '@databases/pg';
import * as db from 'zapatos/db';
import type * as s from 'zapatos/schema';
import { pageQuery, toJsonPage, type JsonPage, type PageRow } from './json-page.ts';
import type { Page } from './page.ts';
import { insertOne, prepare, run } from './run.ts';

export type Book = s.books.JSONSelectable;
export type NewBook = s.books.Insertable;
export type BookChanges = s.books.Updatable;

/** Pages of books as JSON text (see json-page.ts), compiled once: these are the hot reads. */
const page = {
  all: prepare<PageRow[], [limit: number]>(
    pageQuery(db.sql<s.books.SQL>`SELECT to_json(${'books'})::text AS json, ${'id'} FROM ${'books'} ORDER BY ${'id'} LIMIT ${db.param(0)}`),
  ),
  allAfter: prepare<PageRow[], [after: number, limit: number]>(
    pageQuery(
      db.sql<s.books.SQL>`SELECT to_json(${'books'})::text AS json, ${'id'} FROM ${'books'} WHERE ${'id'} > ${db.param(0)} ORDER BY ${'id'} LIMIT ${db.param(0)}`,
    ),
  ),
  byAuthor: prepare<PageRow[], [authorId: number, limit: number]>(
    pageQuery(
      db.sql<s.books.SQL>`SELECT to_json(${'books'})::text AS json, ${'id'} FROM ${'books'} WHERE ${'author_id'} = ${db.param(0)} ORDER BY ${'id'} LIMIT ${db.param(0)}`,
    ),
  ),
  byAuthorAfter: prepare<PageRow[], [authorId: number, after: number, limit: number]>(
    pageQuery(
      db.sql<s.books.SQL>`SELECT to_json(${'books'})::text AS json, ${'id'} FROM ${'books'} WHERE ${'author_id'} = ${db.param(0)} AND ${'id'} > ${db.param(0)} ORDER BY ${'id'} LIMIT ${db.param(0)}`,
    ),
  ),
};

export async function listBooks(q: Queryable, { limit, after }: Page): Promise<JsonPage<Book>> {
  return toJsonPage(after === undefined ? await page.all(q, limit) : await page.allAfter(q, after, limit));
}

/** The guide's GET /books/{author_id}: an index scan on books_author_id_idx. */
export async function listBooksByAuthor(q: Queryable, authorId: number, { limit, after }: Page): Promise<JsonPage<Book>> {
  return toJsonPage(after === undefined ? await page.byAuthor(q, authorId, limit) : await page.byAuthorAfter(q, authorId, after, limit));
}

export function getBook(q: Queryable, id: number): Promise<Book | undefined> {
  return run(q, db.selectOne('books', { id }));
}

const insertBook = insertOne('books');

/** Fails with a foreign-key violation (23503) when the author does not exist. */
export function createBook(q: Queryable, book: NewBook): Promise<Book> {
  return insertBook(q, book);
}

export async function updateBook(q: Queryable, id: number, changes: BookChanges): Promise<Book | undefined> {
  const [updated] = await run(q, db.update('books', changes, { id }));
  return updated;
}

export async function deleteBook(q: Queryable, id: number): Promise<boolean> {
  const deleted = await run(q, db.deletes('books', { id }, { returning: ['id'] }));
  return deleted.length > 0;
}
