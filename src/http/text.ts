import { z } from 'zod';

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
export const text = (max?: number) => {
  let schema = z
    .string()
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters')
    .refine((value) => !unpairedSurrogate.test(value), 'must be valid Unicode (no unpaired surrogates)');
  if (max !== undefined) {
    schema = schema.refine((value) => [...value].length <= max, `must be at most ${max} characters`);
  }
  return schema.openapi({ pattern: validText, ...(max === undefined ? {} : { maxLength: max }) });
};
export const nonBlank = (max?: number) =>
  text(max)
    .refine((value) => value.trim().length > 0, 'must not be blank')
    .openapi({ minLength: 1, pattern: `^(?!\\s*$)${validText.slice(1)}` });

