import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * helmet's defaults, less the CSP's `upgrade-insecure-requests`: it makes a
 * browser fetch every asset of /docs over https, so a server reached over
 * plain HTTP at any address but loopback served a blank page. TLS, where
 * there is any, belongs to the proxy in front, which can add the directive.
 */
const served: HelmetOptions = { contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } };

/**
 * helmet's hardened headers, computed once. helmet() rebuilds them on every
 * request (the Content-Security-Policy string among them, since its
 * directives may be functions); ours are constant, so we run helmet once
 * against a recording response at startup and replay the result: the same
 * headers, byte for byte, for a loop of setHeader calls per request.
 */
export function securityHeaders(options: HelmetOptions = served): RequestHandler {
  const set: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: string) => void set.push([name, value]),
    removeHeader: (name: string) => void removed.push(name),
  };
  let called = false;
  helmet(options)({} as never, recorder as never, () => void (called = true));
  if (!called) throw new Error('helmet did not finish synchronously; its headers cannot be precomputed');

  return (_req, res, next) => {
    for (let i = 0; i < set.length; i++) res.setHeader(set[i]![0], set[i]![1]);
    for (let i = 0; i < removed.length; i++) res.removeHeader(removed[i]!);
    next();
  };
}
