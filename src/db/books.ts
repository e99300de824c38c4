import type { Queryable } from '@databases/pg';
import * as db from 'zapatos/db';
import type * as s from 'zapatos/schema';
import type { Page } from './page.ts';
import { run } from './run.ts';

export type Book = s.books.JSONSelectable;
export type NewBook = Pick<s.books.Insertable, 'title' | 'author_id'>;
export type BookChanges = Pick<s.books.Updatable, 'title' | 'author_id'>;

const byId = { order: { by: 'id', direction: 'ASC' } } as const;
const afterId = (after: number | undefined) => (after === undefined ? {} : { id: db.conditions.gt(after) });

export function listBooks(q: Queryable, { limit, after }: Page): Promise<Book[]> {
  return run(q, db.select('books', afterId(after), { ...byId, limit }));
}

/** The guide's GET /books/{author_id}: an index scan on books_author_id_idx. */
export function listBooksByAuthor(q: Queryable, authorId: number, { limit, after }: Page): Promise<Book[]> {
  return run(q, db.select('books', { author_id: authorId, ...afterId(after) }, { ...byId, limit }));
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
