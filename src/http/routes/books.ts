import type { Queryable } from '@databases/pg';
import { z } from 'zod';
import * as books from '../../db/books.ts';
import { isForeignKeyViolation } from '../foreign-keys.ts';
import { nextPageHeaders, pageOf } from '../pagination.ts';
import { invalid, notFound } from '../problems.ts';
import { defineRoute, linkHeader, locationHeader, type AnyRoute } from '../route.ts';
import { RawJson } from '../send.ts';
import { Book, BookChanges, idParam, idPath, NewBook, pageQuery } from '../schemas.ts';

/**
 * Paths: the guide owns GET /books/{author_id} (an author's books), so one
 * book lives at /books/by-id/{id}. Both stay unambiguous: `by-id` is not an
 * integer and has a second segment.
 */
const tags = ['books'];
const missing = { description: 'No book with this id' };

const noSuchAuthor = (authorId: number | undefined) =>
  invalid([{ loc: ['body', 'author_id'], msg: `author ${authorId} does not exist`, type: 'foreign_key' }]);

export function bookRoutes(db: Queryable): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/books',
      operationId: 'listBooks',
      summary: 'List all books, in id order, paginated',
      description: 'A plain array; a full page carries `Link: <…>; rel="next"` to the next one.',
      tags,
      query: pageQuery,
      responses: { 200: { description: 'Books', schema: z.array(Book), headers: { Link: linkHeader } } },
      handle: async ({ query }, req) => {
        const page = pageOf(query);
        const listed = await books.listBooks(db, page);
        return { body: new RawJson(listed.json), headers: nextPageHeaders(req, page, listed) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/books',
      operationId: 'createBook',
      summary: 'Create a book for an existing author',
      description: 'An `author_id` that names no author is a 422 at `["body", "author_id"]`; `Location` names the new book.',
      tags,
      body: NewBook,
      responses: { 201: { description: 'Created', schema: Book, headers: { Location: locationHeader } } },
      handle: async ({ body }) => {
        try {
          const book = await books.createBook(db, body);
          return { status: 201, body: book, headers: { location: `/books/by-id/${book.id}` } };
        } catch (error) {
          if (isForeignKeyViolation(error)) throw noSuchAuthor(body.author_id);
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/books/by-id/{id}',
      operationId: 'getBook',
      summary: 'One book',
      description: 'At `/books/by-id/{id}` because the guide’s `GET /books/{author_id}` owns `/books/{…}`.',
      tags,
      params: idPath,
      responses: { 200: { description: 'The book', schema: Book }, 404: missing },
      handle: async ({ params }) => {
        const book = await books.getBook(db, params.id);
        if (!book) throw notFound(`Book ${params.id}`);
        return { body: book };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/books/by-id/{id}',
      operationId: 'updateBook',
      summary: 'Change a book’s title or author',
      description: 'Fields left out keep their values; an `author_id` that names no author is a 422.',
      tags,
      params: idPath,
      body: BookChanges,
      responses: { 200: { description: 'The changed book', schema: Book }, 404: missing },
      handle: async ({ params, body }) => {
        try {
          const book = await books.updateBook(db, params.id, body);
          if (!book) throw notFound(`Book ${params.id}`);
          return { body: book };
        } catch (error) {
          if (isForeignKeyViolation(error)) throw noSuchAuthor(body.author_id);
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/books/by-id/{id}',
      operationId: 'deleteBook',
      summary: 'Delete a book',
      description: 'Deletes the book; its author stays.',
      tags,
      params: idPath,
      responses: { 204: { description: 'Deleted' }, 404: missing },
      handle: async ({ params }) => {
        if (!(await books.deleteBook(db, params.id))) throw notFound(`Book ${params.id}`);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/books/{author_id}',
      operationId: 'listBooksByAuthor',
      summary: 'An author’s books (the guide’s route); [] for an unknown author',
      description: 'The guide’s route and shape, in id order and paginated like the other lists.',
      tags,
      params: z.strictObject({ author_id: idParam }),
      query: pageQuery,
      responses: { 200: { description: 'The author’s books', schema: z.array(Book), headers: { Link: linkHeader } } },
      handle: async ({ params, query }, req) => {
        const page = pageOf(query);
        const listed = await books.listBooksByAuthor(db, params.author_id, page);
        return { body: new RawJson(listed.json), headers: nextPageHeaders(req, page, listed) };
      },
    }),
  ];
}
