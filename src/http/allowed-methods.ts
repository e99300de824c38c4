import type { RequestHandler } from 'express';
import { HttpProblem } from './problems.ts';

/** A path the app serves (OpenAPI style, `/books/{author_id}`) and the methods it answers there. */
export interface Resource {
  path: string;
  methods: string[];
}

const methodOrder = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Method checks for the paths the app knows, before the body is read:
 * OPTIONS is a 204 with `Allow`, and a method the path does not serve is a
 * 405 problem with `Allow` (RFC 9110 §15.5.6), not a 404: the resource
 * exists. HEAD is allowed wherever GET is (Express answers it with GET's
 * headers). Paths match as Express matches them: case-insensitive, with or
 * without a trailing slash. Unknown paths pass through (404 later).
 */
export function allowedMethods(resources: Resource[]): RequestHandler {
  const patterns = resources.map(({ path, methods }) => {
    const allowed = new Set(['OPTIONS', ...methods.map((method) => method.toUpperCase())]);
    if (allowed.has('GET')) allowed.add('HEAD');
    return { regex: pathPattern(path), allowed };
  });

  return (req, res, next) => {
    let known = false;
    for (const { regex, allowed } of patterns) {
      if (!regex.test(req.path)) continue;
      if (allowed.has(req.method) && req.method !== 'OPTIONS') return next();
      known = true;
    }
    if (!known) return next();
    const allowed = new Set(patterns.filter(({ regex }) => regex.test(req.path)).flatMap(({ allowed }) => [...allowed]));
    const allow = methodOrder.filter((method) => allowed.has(method)).join(', ');
    if (req.method === 'OPTIONS') {
      res.setHeader('allow', allow);
      return void res.status(204).end();
    }
    next(new HttpProblem(405, 'Method Not Allowed', `${req.method} is not allowed on ${req.path}; allowed: ${allow}.`, undefined, { allow }));
  };
}

/** `/books/{author_id}` → /^\/books\/[^/]+\/?$/i: a parameter is one non-empty segment. */
function pathPattern(path: string): RegExp {
  const source = path
    .split(/(\{\w+\})/)
    .map((part) => (/^\{\w+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}\\/?$`, 'i');
}
