import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { pageLimits } from '../db/page.ts';
import { insertShape, rowShape, updateShape } from './columns.ts';

/**
 * The API's shapes, once: they validate requests and they are the OpenAPI
 * document (see openapi.ts). The tables' shapes come from their columns as
 * the migrated schema has them (columns.ts), so they follow schema.sql.
 */
extendZodWithOpenApi(z);

const INT4_MAX = 2_147_483_647;

/**
 * A path or query id: digits only, within Postgres' integer. Any number of
 * digits passes the first rule, so that an id too large gets the range
 * message whatever its length (11 digits as 10).
 */
export const idParam = z
  .string()
  .regex(/^[0-9]+$/, 'must be a positive integer')
  .transform(Number)
  .refine((value) => value >= 1 && value <= INT4_MAX, `must be between 1 and ${INT4_MAX}`)
  .openapi({ type: 'integer', minimum: 1, maximum: INT4_MAX });

/** The path of one row: `{id}`. */
export const idPath = z.strictObject({ id: idParam });

export const pageQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^[0-9]+$/, 'must be a positive integer')
    .transform(Number)
    .refine((value) => value >= 1 && value <= pageLimits.max, `must be between 1 and ${pageLimits.max}`)
    .optional()
    .openapi({ type: 'integer', minimum: 1, maximum: pageLimits.max, default: pageLimits.default }),
  after: idParam.optional().openapi({ description: 'The last id of the previous page (keyset cursor).' }),
});

/**
 * No query parameters: one with a name is a 422 "unknown field", not ignored
 * (`GET /authors/{id}?include=books` answers so: its books are at
 * `/authors/{id}/with-books`, a response shape of its own).
 */
export const noQuery = z.strictObject({});

export const Book = rowShape('books').openapi('Book');

export const Author = rowShape('authors').openapi('Author');

export const AuthorWithBooks = Author.extend({ books: z.array(Book) }).openapi('AuthorWithBooks');

export const NewAuthor = insertShape('authors').openapi('NewAuthor');

export const AuthorChanges = updateShape('authors').openapi('AuthorChanges', { minProperties: 1 });

export const NewBook = insertShape('books').openapi('NewBook');

export const BookChanges = updateShape('books').openapi('BookChanges', { minProperties: 1 });

const FieldError = z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() }).openapi('FieldError');

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(FieldError).optional(),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details; `errors` names each bad field.' });
