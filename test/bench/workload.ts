/**
 * What a load run sends, the same for every load generator: a list of
 * requests replayed in order, round and round. Reads of an author's books
 * and creates of a book are spread over every author (stride 7919, a prime,
 * so consecutive requests land on authors far apart).
 *
 * The guide's three (the targets' endpoints, and the default) and two that
 * ours serves from a resource declaration, the generated engine
 * (src/http/resource-routes.ts): one author by id, and books filtered by
 * author. No target involves these two (report.ts), and a default run leaves
 * them out (its time); `BENCH_ENDPOINTS` names them.
 */
export const endpoints = [
  'GET /authors',
  'GET /books/{author_id}',
  'POST /books',
  'GET /authors/{id}',
  'GET /books?author_id={id}',
] as const;
export type Endpoint = (typeof endpoints)[number];

/** The guide's endpoints: what a run measures unless BENCH_ENDPOINTS says otherwise. */
export const defaultEndpoints: readonly Endpoint[] = ['GET /authors', 'GET /books/{author_id}', 'POST /books'];

/** The reads ours serves from a declaration (the generated engine): shown with their ratios, judged by no target. */
export const generatedEndpoints: readonly Endpoint[] = ['GET /authors/{id}', 'GET /books?author_id={id}'];

/** BENCH_ENDPOINTS: comma-separated names of `endpoints` (spaces around them dropped); unset or empty: the default. */
export function chooseEndpoints(value: string | undefined): Endpoint[] {
  if (value === undefined || value.trim() === '') return [...defaultEndpoints];
  const wanted = value.split(',').map((name) => name.trim());
  const bad = wanted.filter((name) => !(endpoints as readonly string[]).includes(name));
  if (bad.length) throw new Error(`BENCH_ENDPOINTS: unknown ${bad.join(', ')} (choose from ${endpoints.join(', ')})`);
  return endpoints.filter((endpoint) => wanted.includes(endpoint));
}

export interface PlannedRequest {
  method: 'GET' | 'POST';
  path: string;
  /** JSON, for POST. */
  body?: string;
}

export const benchBookTitle = 'A bench book';

/** The path a read asks for, for the author `id`. */
export function readPath(endpoint: Exclude<Endpoint, 'POST /books'>, id: number): string {
  if (endpoint === 'GET /authors') return '/authors';
  if (endpoint === 'GET /books/{author_id}') return `/books/${id}`;
  if (endpoint === 'GET /authors/{id}') return `/authors/${id}`;
  return `/books?author_id=${id}`;
}

export function workloadFor(endpoint: Endpoint, authorIds: number[]): PlannedRequest[] {
  if (endpoint === 'GET /authors') return [{ method: 'GET', path: '/authors' }];
  const spread = authorIds.map((_, i) => authorIds[(i * 7919) % authorIds.length]!);
  if (endpoint === 'POST /books')
    return spread.map((id) => ({ method: 'POST', path: '/books', body: JSON.stringify({ title: benchBookTitle, author_id: id }) }));
  return spread.map((id) => ({ method: 'GET', path: readPath(endpoint, id) }));
}

/** One server's answer to a read, for the pre-check. */
export interface ReadAnswer {
  server: string;
  status: number;
  text: string;
}

/**
 * Whether every server answered a read the same (the pre-check, before any
 * load): each a 200 with JSON; the same number of rows (an object is one)
 * with the same fields; and the floors and peers the same JSON text (ours
 * writes its own, from Postgres: its timestamps differ in form, not in
 * value). Returns the problem, or a line saying what each answered.
 */
export function compareReads(path: string, answers: ReadAnswer[]): { problem: string } | { summary: string } {
  const parsed: { server: string; text: string; rows: number; fields: string }[] = [];
  for (const { server, status, text } of answers) {
    if (status !== 200) return { problem: `${server} ${path}: ${status} ${text.slice(0, 200)}` };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { problem: `${server} ${path}: not JSON: ${text.slice(0, 200)}` };
    }
    const rows = Array.isArray(body) ? (body as unknown[]) : [body];
    const first = rows[0];
    const fields = first && typeof first === 'object' ? Object.keys(first).sort().join(',') : '';
    parsed.push({ server, text, rows: rows.length, fields });
  }
  const describe = (a: (typeof parsed)[number]) => `${a.server}: ${a.rows} rows (${a.fields})`;
  if (new Set(parsed.map((a) => a.rows)).size > 1)
    return { problem: `${path}: the servers' row counts differ: ${parsed.map(describe).join('; ')}` };
  if (new Set(parsed.map((a) => a.fields)).size > 1)
    return { problem: `${path}: the servers' fields differ: ${parsed.map(describe).join('; ')}` };
  const others = parsed.filter((a) => !a.server.startsWith('ours'));
  const differs = others.find((a) => a.text !== others[0]!.text);
  if (differs) {
    return {
      problem: `${path}: ${differs.server} answered ${differs.text.slice(0, 300)}\n${others[0]!.server}: ${others[0]!.text.slice(0, 300)}`,
    };
  }
  return { summary: `${path} → ${parsed.map((a) => `${a.server}: ${a.rows} rows, ${a.text.length} B`).join('; ')}` };
}
