import type { Request } from 'express';
import { pageLimits, type Page } from '../db/page.ts';

/** The page a request asks for (validated by pageQuery). */
export function pageOf(query: { limit?: number | undefined; after?: number | undefined }): Page {
  return { limit: query.limit ?? pageLimits.default, after: query.after };
}

/**
 * The body stays a plain array (the guide's shape); a full page carries a
 * `Link: <…?after=ID>; rel="next"` header the client follows.
 */
export function nextPageHeaders(
  req: Request,
  page: Page,
  { count, lastId }: { count: number; lastId: number | undefined },
): Record<string, string> {
  if (lastId === undefined || count < page.limit) return {};
  const next = `${req.baseUrl}${req.path}?limit=${page.limit}&after=${lastId}`;
  return { link: `<${next}>; rel="next"` };
}
