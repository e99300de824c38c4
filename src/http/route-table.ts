/**
 * Which route serves a request, found in one lookup: routes are grouped by
 * how many path segments they have, so a request is compared only with
 * routes of its own length, segment by segment, instead of testing every
 * route's regular expression in turn as Express's router does (the profile
 * of `npm run bench` showed that walk as the largest single cost of a read).
 *
 * Paths match case-sensitively (`/AUTHORS` is not `/authors`: one resource,
 * one URL, and a `Link` never repeats a client's spelling), with or without
 * one trailing slash; a `{param}` is one non-empty segment, decoded
 * (a malformed escape is a 400, as in Express). Between routes of the same
 * length the first added wins.
 */
export type Found<T> =
  | { value: T; params: Record<string, string> }
  /** The path exists, but not for this method: the methods it serves, for `Allow`. */
  | { value?: undefined; allow: string };

interface Entry<T> {
  /** Literal segments; `undefined` where a parameter goes. */
  literals: (string | undefined)[];
  names: (string | undefined)[];
  methods: Map<string, T | undefined>;
}

const methodOrder = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export class RouteTable<T> {
  readonly #byLength = new Map<number, Entry<T>[]>();

  /**
   * `path` in OpenAPI style (`/books/{author_id}`). `value` undefined: the
   * path and method are served by something else (e.g. the docs), so the
   * table only reports them in `Allow`.
   */
  add(path: string, method: string, value?: T): void {
    const segments = path.split('/').slice(1);
    const literals = segments.map((s) => (/^\{\w+\}$/.test(s) ? undefined : s));
    const names = segments.map((s) => /^\{(\w+)\}$/.exec(s)?.[1]);
    const entries = this.#byLength.get(segments.length) ?? [];
    this.#byLength.set(segments.length, entries);
    let entry = entries.find(
      (e) => e.literals.join('/') === literals.join('/') && e.names.every((n, i) => (n === undefined) === (names[i] === undefined)),
    );
    if (!entry) entries.push((entry = { literals, names, methods: new Map() }));
    entry.methods.set(method.toUpperCase(), value);
    // HEAD is served wherever GET is (Node leaves the body out).
    if (method.toUpperCase() === 'GET' && !entry.methods.has('HEAD')) entry.methods.set('HEAD', value);
  }

  /**
   * The route for `method` at `pathname` (no query string) with its params;
   * `{allow}` when the path is known but not for this method (and for
   * OPTIONS, which no route serves itself); undefined for an unknown path.
   */
  find(method: string, pathname: string): Found<T> | undefined {
    const trimmed = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
    const segments = trimmed.split('/');
    const entries = this.#byLength.get(segments.length - 1);
    if (!entries) return undefined;
    let allowed: Set<string> | undefined;
    for (const entry of entries) {
      if (!matches(entry, segments)) continue;
      if (entry.methods.has(method) && method !== 'OPTIONS') {
        const value = entry.methods.get(method);
        if (value === undefined) return undefined; // served by something else
        return { value, params: paramsOf(entry, segments) };
      }
      allowed ??= new Set(['OPTIONS']);
      for (const known of entry.methods.keys()) allowed.add(known);
    }
    return allowed ? { allow: methodOrder.filter((m) => allowed.has(m)).join(', ') } : undefined;
  }
}

function matches<T>(entry: Entry<T>, segments: string[]): boolean {
  for (let i = 0; i < entry.literals.length; i++) {
    const segment = segments[i + 1]!;
    const literal = entry.literals[i];
    if (literal === undefined ? segment.length === 0 : segment !== literal) return false;
  }
  return true;
}

function paramsOf<T>(entry: Entry<T>, segments: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (let i = 0; i < entry.names.length; i++) {
    const name = entry.names[i];
    if (name !== undefined) params[name] = decodeSegment(segments[i + 1]!);
  }
  return params;
}

/** Express's rule: a parameter is URI-decoded, and a malformed escape is the client's error (400). */
function decodeSegment(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    throw Object.assign(new Error(`Failed to decode param '${segment}'`), { status: 400 });
  }
}
