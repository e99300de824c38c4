import type { ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * helmet's defaults, less the CSP's `upgrade-insecure-requests`: it makes a
 * browser fetch every asset of /docs over https, so a server reached over
 * plain HTTP at any address but loopback served a blank page. TLS, where
 * there is any, belongs to the proxy in front, which can add the directive.
 */
const served: HelmetOptions = { contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } };

/**
 * helmet's hardened headers, computed once, as a flat `[name, value, …]`
 * list. helmet() rebuilds them on every request (the
 * Content-Security-Policy string among them, since its directives may be
 * functions); ours are constant, so we run helmet once against a recording
 * response at startup. The list goes to Node in the same `writeHead` call
 * as the rest of an API answer (send.ts), or onto the response with
 * `setSecurityHeaders` for every other answer: the same headers, byte for
 * byte, on every response.
 */
export function securityHeaderList(options: HelmetOptions = served): readonly string[] {
  const set: string[] = [];
  const recorder = {
    setHeader: (name: string, value: string) => void set.push(name, value),
    // helmet removes X-Powered-By, which the app never sets (app.disable('x-powered-by')).
    removeHeader: () => {},
  };
  let called = false;
  helmet(options)({} as never, recorder as never, () => void (called = true));
  if (!called) throw new Error('helmet did not finish synchronously; its headers cannot be precomputed');
  return Object.freeze(set);
}

export function setSecurityHeaders(res: ServerResponse, list: readonly string[]): void {
  for (let i = 0; i < list.length; i += 2) res.setHeader(list[i]!, list[i + 1]!);
}
