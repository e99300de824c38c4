import type { Response } from 'express';

/**
 * Writes a JSON body straight to the socket. res.json() would also look up
 * app settings, compute an ETag and check freshness on every response; the
 * API needs none of that (ETags are off), and skipping it is measurable.
 */
export function sendJson(res: Response, status: number, body: unknown, contentType = 'application/json; charset=utf-8'): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}
