import type { Queryable } from '@databases/pg';
import { z } from 'zod';
import * as authors from '../../db/authors.ts';
import { isForeignKeyViolation } from '../foreign-keys.ts';
import { nextPageHeaders, pageOf } from '../pagination.ts';
import { HttpProblem, notFound } from '../problems.ts';
import { defineRoute, linkHeader, locationHeader, type AnyRoute } from '../route.ts';
import { RawJson } from '../send.ts';
import { Author, AuthorChanges, AuthorWithBooks, idPath, NewAuthor, noQuery, pageQuery } from '../schemas.ts';

const tags = ['authors'];
const missing = { description: 'No author with this id' };

export function authorRoutes(db: Queryable): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/authors',
      operationId: 'listAuthors',
      summary: 'List authors (the guide’s GET /authors), in id order, paginated',
      description: 'A plain array, as in the guide; a full page carries `Link: <…>; rel="next"` to the next one.',
      tags,
      query: pageQuery,
      responses: { 200: { description: 'Authors', schema: z.array(Author), headers: { Link: linkHeader } } },
      handle: async ({ query }, req) => {
        const page = pageOf(query);
        const listed = await authors.listAuthors(db, page);
        return { body: new RawJson(listed.json), headers: nextPageHeaders(req, page, listed) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/authors',
      operationId: 'createAuthor',
      summary: 'Create an author',
      description: 'Returns the stored author; `Location` names it.',
      tags,
      body: NewAuthor,
      responses: { 201: { description: 'Created', schema: Author, headers: { Location: locationHeader } } },
      handle: async ({ body }) => {
        const author = await authors.createAuthor(db, body);
        return { status: 201, body: author, headers: { location: `/authors/${author.id}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/authors/{id}',
      operationId: 'getAuthor',
      summary: 'One author',
      description: 'The author alone; `GET /authors/{id}/with-books` gives the author with their books.',
      tags,
      params: idPath,
      query: noQuery,
      responses: { 200: { description: 'The author', schema: Author }, 404: missing },
      handle: async ({ params }) => {
        const author = await authors.getAuthor(db, params.id);
        if (!author) throw notFound(`Author ${params.id}`);
        return { body: author };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/authors/{id}/with-books',
      operationId: 'getAuthorWithBooks',
      summary: 'One author with all their books (one SQL query)',
      description:
        'A path of its own, not a `?include=books` switch on `GET /authors/{id}`: each operation has one response shape, ' +
        'so a typed client knows from the request which one it gets.',
      tags,
      params: idPath,
      responses: { 200: { description: 'The author and their books, in id order', schema: AuthorWithBooks }, 404: missing },
      handle: async ({ params }) => {
        const author = await authors.getAuthorWithBooks(db, params.id);
        if (!author) throw notFound(`Author ${params.id}`);
        return { body: author };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/authors/{id}',
      operationId: 'updateAuthor',
      summary: 'Change some of an author’s fields',
      description: 'Fields left out keep their values; `null` clears `bio` or `country`.',
      tags,
      params: idPath,
      body: AuthorChanges,
      responses: { 200: { description: 'The changed author', schema: Author }, 404: missing },
      handle: async ({ params, body }) => {
        const author = await authors.updateAuthor(db, params.id, body);
        if (!author) throw notFound(`Author ${params.id}`);
        return { body: author };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/authors/{id}',
      operationId: 'deleteAuthor',
      summary: 'Delete an author who has no books',
      description: 'An author who still has books is a 409: delete or move the books first.',
      tags,
      params: idPath,
      responses: {
        204: { description: 'Deleted' },
        404: missing,
        409: { description: 'The author still has books (books.author_id is ON DELETE RESTRICT)' },
      },
      handle: async ({ params }) => {
        try {
          if (!(await authors.deleteAuthor(db, params.id))) throw notFound(`Author ${params.id}`);
        } catch (error) {
          if (!isForeignKeyViolation(error)) throw error;
          throw new HttpProblem(409, 'Conflict', `Author ${params.id} still has books; delete or move them first`);
        }
        return { status: 204 };
      },
    }),
  ];
}
