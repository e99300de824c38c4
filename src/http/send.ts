import type { ServerResponse } from 'node:http';

/**
 * Writes a JSON body straight to the socket, its headers in one
 * `writeHead(status, [name, value, …])`: `headers` are the answer's own
 * (e.g. the hardened headers and request id, from serve-api.ts; the list is
 * the caller's to give away: content type and length are added to it), and
 * any set earlier with setHeader are kept. res.json() would also look up app
 * settings, compute an ETag and check freshness on every response; the API
 * needs none of that (ETags are off), and skipping it is measurable.
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json; charset=utf-8',
  headers: string[] = [],
): void {
  const text = body instanceof RawJson ? body.text : JSON.stringify(body);
  headers.push('content-type', contentType, 'content-length', String(Buffer.byteLength(text)));
  res.writeHead(status, headers);
  res.end(text);
}

/**
 * A body that is JSON text already (made by Postgres, see db/resource-queries.ts):
 * sendJson writes it as it is.
 */
export class RawJson {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}
