import type { Response } from 'express';

/**
 * Writes a JSON body straight to the socket. res.json() would also look up
 * app settings, compute an ETag and check freshness on every response; the
 * API needs none of that (ETags are off), and skipping it is measurable.
 */
export function sendJson(res: Response, status: number, body: unknown, contentType = 'application/json; charset=utf-8'): void {
  const text = body instanceof RawJson ? body.text : JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * A body that is JSON text already (made by Postgres, see db/json-page.ts):
 * sendJson writes it as it is.
 */
export class RawJson {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}
