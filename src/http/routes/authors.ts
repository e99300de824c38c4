import type { Queryable } from '@databases/pg';
import { z } from 'zod';
import * as authors from '../../db/authors.ts';
import { isForeignKeyViolation } from '../foreign-keys.ts';
import { nextPageHeaders, pageOf } from '../pagination.ts';
import { HttpProblem, notFound } from '../problems.ts';
import { defineRoute, type AnyRoute } from '../route.ts';
import { RawJson } from '../send.ts';
import { Author, AuthorChanges, authorQuery, AuthorWithBooks, idPath, NewAuthor, pageQuery } from '../schemas.ts';

const tags = ['authors'];
const missing = { description: 'No author with this id' };

export function authorRoutes(db: Queryable): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/authors',
      summary: 'List authors (the guide’s GET /authors), in id order, paginated',
      tags,
      query: pageQuery,
      responses: { 200: { description: 'Authors', schema: z.array(Author) } },
      handle: async ({ query }, req) => {
        const page = pageOf(query);
        const listed = await authors.listAuthors(db, page);
        return { body: new RawJson(listed.json), headers: nextPageHeaders(req, page, listed) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/authors',
      summary: 'Create an author',
      tags,
      body: NewAuthor,
      responses: { 201: { description: 'Created', schema: Author } },
      handle: async ({ body }) => {
        const author = await authors.createAuthor(db, body);
        return { status: 201, body: author, headers: { location: `/authors/${author.id}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/authors/{id}',
      summary: 'One author; with ?include=books, their books too (one SQL query)',
      tags,
      params: idPath,
      query: authorQuery,
      responses: {
        200: { description: 'The author', schema: z.union([Author, AuthorWithBooks]) },
        404: missing,
      },
      handle: async ({ params, query }) => {
        const author =
          query.include === 'books' ? await authors.getAuthorWithBooks(db, params.id) : await authors.getAuthor(db, params.id);
        if (!author) throw notFound(`Author ${params.id}`);
        return { body: author };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/authors/{id}',
      summary: 'Change some of an author’s fields',
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
      summary: 'Delete an author who has no books',
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
