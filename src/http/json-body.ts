import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';
import { HttpProblem } from './problems.ts';

/** The largest JSON body accepted by default (bytes): larger ones get 413. */
export const defaultBodyLimit = 16 * 1024;

/**
 * Reads a JSON request body into req.body, for the routes that take one
 * (route.ts mounts it there, so an unknown path or method is a 404 or 405
 * whatever its body).
 *
 * - It must be there, as application/json (415).
 * - Any JSON value is parsed (not only objects and arrays): `"x"` or `null` is
 *   valid JSON, so the route's schema answers it as a 422 ("expected object,
 *   got string") at `["body"]`, like an array, rather than calling it malformed.
 * - The bytes must be UTF-8 (400): a decoder that is not strict turns invalid
 *   sequences into U+FFFD, and the text would be stored as it was not sent.
 */
export function jsonBody(limit: number): RequestHandler {
  const parseJson = express.json({ limit, strict: false, verify: requireUtf8 });
  return (req, res, next) => {
    // req.is() is null for a request without a body, so a missing body is a 415 too.
    if (!req.is('application/json')) {
      return next(new HttpProblem(415, 'Unsupported Media Type', 'Send the body as JSON (Content-Type: application/json).'));
    }
    // body-parser would decode utf-16 and utf-32 (the latter badly); JSON between systems is UTF-8 (RFC 8259 §8.1).
    const charset = charsetOf(req.headers['content-type']);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return next(
        new HttpProblem(
          415,
          'Unsupported Media Type',
          `The body must be UTF-8 (charset=${charset} is not accepted); send charset=utf-8 or none.`,
        ),
      );
    }
    parseJson(req, res, next);
  };
}

/** The charset parameter of a Content-Type, lower-cased, unquoted; undefined if there is none. */
function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2] ?? '').toLowerCase() : undefined;
}

/** body-parser's verify hook: the raw (inflated) bytes, before they are decoded. */
function requireUtf8(_req: unknown, _res: unknown, bytes: Buffer, encoding: string): void {
  // Other charsets body-parser accepts (utf-16, utf-32) are decoded by iconv; only UTF-8 is checked here.
  if (encoding.toLowerCase().replace('-', '') !== 'utf8') return;
  if (!isUtf8(bytes)) throw Object.assign(new Error('The request body is not valid UTF-8.'), { type: 'encoding.invalid' });
}
