/**
 * What a load run sends, the same for every load generator: a list of
 * requests replayed in order, round and round. Reads of an author's books
 * and creates of a book are spread over every author (stride 7919, a prime,
 * so consecutive requests land on authors far apart).
 */
export const endpoints = ['GET /authors', 'GET /books/{author_id}', 'POST /books'] as const;
export type Endpoint = (typeof endpoints)[number];

export interface PlannedRequest {
  method: 'GET' | 'POST';
  path: string;
  /** JSON, for POST. */
  body?: string;
}

export const benchBookTitle = 'A bench book';

export function workloadFor(endpoint: Endpoint, authorIds: number[]): PlannedRequest[] {
  if (endpoint === 'GET /authors') return [{ method: 'GET', path: '/authors' }];
  const spread = authorIds.map((_, i) => authorIds[(i * 7919) % authorIds.length]!);
  if (endpoint === 'GET /books/{author_id}') return spread.map((id) => ({ method: 'GET', path: `/books/${id}` }));
  return spread.map((id) => ({ method: 'POST', path: '/books', body: JSON.stringify({ title: benchBookTitle, author_id: id }) }));
}
