import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { pageLimits } from '../db/page.ts';

/**
 * The API's shapes, once: they validate requests and they are the OpenAPI
 * document (see openapi.ts). Limits mirror schema.sql.
 */
extendZodWithOpenApi(z);

const INT4_MAX = 2_147_483_647;

/**
 * Text as Postgres counts it: code points, and no NUL (Postgres rejects it).
 * No unpaired surrogate either (JSON allows "\ud800"): it has no UTF-8 form,
 * so it would be stored as U+FFFD, i.e. not as sent.
 */
const unpairedSurrogate = /\p{Cs}/u;
/**
 * The same two rules for the OpenAPI document, as a JSON Schema (ECMA-262,
 * `u` flag) pattern: no NUL, no lone surrogate. A non-blank string's pattern
 * also says "not only whitespace" (`\s` is what String.trim() removes).
 */
const validText = '^[^\\u0000\\uD800-\\uDFFF]*$';
const text = (max?: number) => {
  let schema = z
    .string()
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters')
    .refine((value) => !unpairedSurrogate.test(value), 'must be valid Unicode (no unpaired surrogates)');
  if (max !== undefined) {
    schema = schema.refine((value) => [...value].length <= max, `must be at most ${max} characters`);
  }
  return schema.openapi({ pattern: validText, ...(max === undefined ? {} : { maxLength: max }) });
};
const nonBlank = (max: number) =>
  text(max)
    .refine((value) => value.trim().length > 0, 'must not be blank')
    .openapi({ minLength: 1, pattern: `^(?!\\s*$)${validText.slice(1)}` });

/** A path or query id: digits only, within Postgres' integer. */
export const idParam = z
  .string()
  .regex(/^[0-9]{1,10}$/, 'must be a positive integer')
  .transform(Number)
  .refine((value) => value >= 1 && value <= INT4_MAX, `must be between 1 and ${INT4_MAX}`)
  .openapi({ type: 'integer', minimum: 1, maximum: INT4_MAX });

/** The path of one row: `{id}`. */
export const idPath = z.strictObject({ id: idParam });

const idValue = z.number().int().min(1).max(INT4_MAX).openapi({ type: 'integer', minimum: 1, maximum: INT4_MAX });

export const pageQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^[0-9]{1,4}$/, 'must be a positive integer')
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

const timestamp = z.string().openapi({ format: 'date-time', example: '2026-11-25T23:42:34.545368+00:00' });

export const Book = z
  .object({ id: idValue, title: z.string(), author_id: idValue, created_at: timestamp })
  .openapi('Book');

export const Author = z
  .object({ id: idValue, name: z.string(), bio: z.string().nullable(), country: z.string().nullable(), created_at: timestamp })
  .openapi('Author');

export const AuthorWithBooks = Author.extend({ books: z.array(Book) }).openapi('AuthorWithBooks');

export const NewAuthor = z
  .strictObject({ name: nonBlank(100), bio: text().nullable().optional(), country: text(100).nullable().optional() })
  .openapi('NewAuthor');

const atLeastOneField = (value: object) => Object.keys(value).length > 0;

export const AuthorChanges = NewAuthor.partial()
  .refine(atLeastOneField, 'must change at least one field')
  .openapi('AuthorChanges', { minProperties: 1 });

export const NewBook = z.strictObject({ title: nonBlank(200), author_id: idValue }).openapi('NewBook');

export const BookChanges = NewBook.partial()
  .refine(atLeastOneField, 'must change at least one field')
  .openapi('BookChanges', { minProperties: 1 });

export const FieldError = z
  .object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() })
  .openapi('FieldError');

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(FieldError).optional(),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details; `errors` names each bad field.' });
