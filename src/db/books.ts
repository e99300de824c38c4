import type { Queryable } from '@databases/pg';
import * as db from 'zapatos/db';
import type * as s from 'zapatos/schema';
import { toJsonPage, type JsonPage, type PageRow } from './json-page.ts';
import type { Page } from './page.ts';
import { run } from './run.ts';

export type Book = s.books.JSONSelectable;
export type NewBook = Pick<s.books.Insertable, 'title' | 'author_id'>;
export type BookChanges = Pick<s.books.Updatable, 'title' | 'author_id'>;

const afterId = (after: number | undefined) => (after === undefined ? {} : { id: db.conditions.gt(after) });

/** A page of books as the JSON text Postgres builds (see listAuthors). */
async function pageOfBooks(q: Queryable, where: s.books.Whereable, limit: number): Promise<JsonPage<Book>> {
  const rows = await run(
    q,
    db.sql<s.books.SQL, PageRow[]>`SELECT to_json(${'books'})::text AS json, ${'id'} FROM ${'books'} WHERE ${where} ORDER BY ${'id'} LIMIT ${db.param(limit)}`,
  );
  return toJsonPage(rows);
}

export function listBooks(q: Queryable, { limit, after }: Page): Promise<JsonPage<Book>> {
  return pageOfBooks(q, afterId(after), limit);
}

/** The guide's GET /books/{author_id}: an index scan on books_author_id_idx. */
export function listBooksByAuthor(q: Queryable, authorId: number, { limit, after }: Page): Promise<JsonPage<Book>> {
  return pageOfBooks(q, { author_id: authorId, ...afterId(after) }, limit);
}

export function getBook(q: Queryable, id: number): Promise<Book | undefined> {
  return run(q, db.selectOne('books', { id }));
}

/** Fails with a foreign-key violation (23503) when the author does not exist. */
export function createBook(q: Queryable, book: NewBook): Promise<Book> {
  return run(q, db.insert('books', book));
}

export async function updateBook(q: Queryable, id: number, changes: BookChanges): Promise<Book | undefined> {
  const [updated] = await run(q, db.update('books', changes, { id }));
  return updated;
}

export async function deleteBook(q: Queryable, id: number): Promise<boolean> {
  const deleted = await run(q, db.deletes('books', { id }, { returning: ['id'] }));
  return deleted.length > 0;
}
