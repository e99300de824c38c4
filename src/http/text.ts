import { z } from 'zod';

/**
 * Text as Postgres counts it: code points, and no NUL (Postgres rejects it).
 * No unpaired surrogate either (JSON allows "\ud800"): it has no UTF-8 form,
 * so it would be stored as U+FFFD, i.e. not as sent.
 *
 * The document says the same with patterns a test generator can produce
 * strings for: Schemathesis/hypothesis refuse a character class that names
 * characters outside their alphabet (lone surrogates), so the patterns here
 * name only ASCII and BMP characters by `\xHH`/`\uHHHH` escapes, which
 * ECMA-262 (`u` flag, what JSON Schema means) and Python read alike. Lone
 * surrogates are refused in code only (a generator never makes one) and
 * said in the description.
 */
const unpairedSurrogate = /\p{Cs}/u;

/** C0 and C1 control characters (NUL, ESC, U+0001, U+001C, U+0085, …): never part of a name. */
const controls = String.raw`\x00-\x1f\x7f-\x9f`;
/**
 * What shows nothing: Unicode White_Space (less the controls above) and the
 * BMP's format characters (zero-width space and joiners, bidi marks, the
 * BOM, soft hyphen). A name made only of these is blank.
 */
const invisible = String.raw`\x20\xa0\xad\u034f\u061c\u115f\u1160\u1680\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb`;

/** The document's pattern of any text: no NUL. */
const anyTextPattern = String.raw`^[^\x00]*$`;
/** The document's pattern of a name: no control character, and at least one visible one. */
const namePattern = `^[^${controls}]*[^${controls}${invisible}][^${controls}]*$`;
// The class lists combining marks (U+034F, variation selectors) on purpose, each as a single code point to exclude.
// eslint-disable-next-line no-misleading-character-class -- as the line above says: single code points, on purpose
const nameRule = new RegExp(namePattern, 'u');

const describedText = 'No NUL characters and no unpaired surrogates (\\ud800-\\udfff escapes).';

export const text = (max?: number) => {
  let schema = z
    .string()
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters')
    .refine((value) => !unpairedSurrogate.test(value), 'must be valid Unicode (no unpaired surrogates)');
  if (max !== undefined) {
    schema = schema.refine((value) => [...value].length <= max, `must be at most ${max} characters`);
  }
  return schema.openapi({ pattern: anyTextPattern, description: describedText, ...(max === undefined ? {} : { maxLength: max }) });
};

const control = new RegExp(`[${controls}]`, 'u');

/** A required text column (a name, a title): visible, without control characters. */
export const nonBlank = (max?: number) =>
  text(max)
    // One refinement, its message chosen by what is wrong: two in a row would lose text()'s maxLength from the document.
    .refine((value) => nameRule.test(value), {
      error: (issue) =>
        control.test(String(issue.input))
          ? 'must not contain control characters'
          : 'must not be blank (only spaces or invisible characters)',
    })
    .openapi({
      minLength: 1,
      pattern: namePattern,
      description: `${describedText} No control characters; at least one visible character (not only whitespace or zero-width ones).`,
      ...(max === undefined ? {} : { maxLength: max }),
    });

/** A text column's CHECK bounds (minLength from `char_length(x) >= n` or `x <> ''`), in code points as Postgres counts. */
export function atLeast(schema: z.ZodType<string>, min: number): z.ZodType<string> {
  return schema.refine((value) => [...value].length >= min, `must be at least ${min} characters`).openapi({ minLength: min });
}
