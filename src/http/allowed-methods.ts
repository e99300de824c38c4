import type { ServerResponse } from 'node:http';
import { HttpProblem } from './problems.ts';

/**
 * The answer for a path the app serves, asked with a method it does not
 * serve there (route-table.ts finds `allow`), before any body is read:
 * OPTIONS is a 204 with `Allow`, and any other method a 405 problem with
 * `Allow` (RFC 9110 §15.5.6), not a 404: the resource exists. HEAD is
 * allowed wherever GET is (Node answers it with GET's headers).
 */
export function otherMethod(method: string, path: string, allow: string, res: ServerResponse): HttpProblem | undefined {
  if (method === 'OPTIONS') {
    res.setHeader('allow', allow);
    res.statusCode = 204;
    res.end();
    return undefined;
  }
  return new HttpProblem(405, 'Method Not Allowed', `${method} is not allowed on ${path}; allowed: ${allow}.`, undefined, { allow });
}
