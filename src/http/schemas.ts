import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

/**
 * The API's shapes every route shares: they validate requests and they are
 * the OpenAPI document (see openapi.ts). The tables' shapes come from their
 * declarations (resource-routes.ts, columns.ts), so they follow schema.sql.
 */
extendZodWithOpenApi(z);

/**
 * No query parameters: one with a name is a 422 "unknown field", not ignored
 * (`GET /authors/{id}?include=books` answers so: its books are at
 * `/authors/{id}/with-books`, a response shape of its own).
 */
export const noQuery = z.strictObject({});

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
