import type { FieldError } from './problems.ts';

/**
 * How many field errors one answer lists. A body with 1,500 unknown keys
 * made a 110 KB 422; the first errors say what is wrong, and the last entry
 * says how many more there were (so nothing is silently dropped).
 */
const maxFieldErrors = 20;

/** `errors`, at most `maxFieldErrors` of them, the last saying how many were left out. */
export function capErrors(errors: FieldError[], max = maxFieldErrors): FieldError[] {
  if (errors.length <= max) return errors;
  const more = errors.length - (max - 1);
  return [...errors.slice(0, max - 1), { loc: [], msg: `and ${more} more errors, not listed`, type: 'too_many_errors' }];
}

/**
 * The most query parameters a request may have. Express's parser keeps the
 * first 1,000 and silently drops the rest; no route takes more than a few.
 */
export const maxQueryParameters = 50;

/** How many parameters a raw query string (after `?`) has. */
export function countQueryParameters(url: string): number {
  const at = url.indexOf('?');
  if (at < 0 || at === url.length - 1) return 0;
  return url
    .slice(at + 1)
    .split('&')
    .filter((part) => part.length > 0).length;
}
