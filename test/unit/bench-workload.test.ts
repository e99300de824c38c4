import { expect, it } from 'vitest';
import { chooseEndpoints, compareReads, defaultEndpoints, endpoints, readPath, workloadFor } from '../bench/workload.ts';

it("BENCH_ENDPOINTS: unset or empty is the guide's three; names the generated engine's two; refuses an unknown one", () => {
  expect(chooseEndpoints(undefined)).toEqual(['GET /authors', 'GET /books/{author_id}', 'POST /books']);
  expect(chooseEndpoints(' ')).toEqual([...defaultEndpoints]);
  expect(chooseEndpoints('GET /books?author_id={id}, GET /authors/{id}')).toEqual(['GET /authors/{id}', 'GET /books?author_id={id}']);
  expect(chooseEndpoints(endpoints.join(','))).toEqual([...endpoints]);
  expect(() => chooseEndpoints('GET /authors,GET /books?author_id=1')).toThrow(
    /BENCH_ENDPOINTS: unknown GET \/books\?author_id=1 \(choose from GET \/authors, .*GET \/books\?author_id=\{id\}\)/,
  );
});

it('spreads the reads of one author and of books by author over every author, as the guide’s read of books', () => {
  const ids = [3, 5, 8];
  expect(workloadFor('GET /authors/{id}', ids).map((r) => `${r.method} ${r.path}`)).toEqual([
    'GET /authors/3',
    'GET /authors/8',
    'GET /authors/5',
  ]);
  expect(workloadFor('GET /books?author_id={id}', ids).map((r) => r.path)).toEqual([
    '/books?author_id=3',
    '/books?author_id=8',
    '/books?author_id=5',
  ]);
  expect(workloadFor('GET /books/{author_id}', ids).map((r) => r.path)).toEqual(['/books/3', '/books/8', '/books/5']);
  expect(readPath('GET /authors', 3)).toBe('/authors');
});

const book = (id: number, at: string) => ({ id, title: 'T', author_id: 1, created_at: at });
const answer = (server: string, body: unknown, status = 200) => ({ server, status, text: JSON.stringify(body) });

it('the pre-check: the same rows and fields everywhere, the same text but for ours, an object counted as one row', () => {
  const floor = [book(1, '2024-01-01T00:00:00.000Z'), book(2, '2024-01-01T00:00:00.000Z')];
  const ours = [book(1, '2024-01-01T00:00:00.000000Z'), book(2, '2024-01-01T00:00:00.000000Z')];
  const same = compareReads('/books?author_id=1', [answer('ours', ours), answer('framework', floor), answer('fastify', floor)]);
  expect(same).toEqual({ summary: expect.stringMatching(/^\/books\?author_id=1 → ours: 2 rows, \d+ B; framework: 2 rows/) });
  const author = { id: 1, name: 'A', bio: null, country: null, created_at: '2024-01-01T00:00:00Z' };
  expect(compareReads('/authors/1', [answer('ours', author), answer('framework', author)])).toMatchObject({
    summary: expect.stringContaining('ours: 1 rows'),
  });

  expect(compareReads('/books?author_id=1', [answer('ours', [], 422), answer('framework', floor)])).toEqual({
    problem: 'ours /books?author_id=1: 422 []',
  });
  expect(compareReads('/b', [answer('ours', ours.slice(1)), answer('framework', floor)])).toEqual({
    problem: expect.stringContaining("the servers' row counts differ"),
  });
  const extra = ours.map((row) => ({ ...row, pages: 1 }));
  expect(compareReads('/b', [answer('ours', extra), answer('framework', floor)])).toEqual({
    problem: expect.stringContaining("the servers' fields differ: ours: 2 rows (author_id,created_at,id,pages,title)"),
  });
  const otherTitle = floor.map((row) => ({ ...row, title: 'U' }));
  expect(compareReads('/b', [answer('ours', ours), answer('framework', floor), answer('drizzle', otherTitle)])).toEqual({
    problem: expect.stringMatching(/^\/b: drizzle answered/),
  });
  expect(compareReads('/b', [{ server: 'bare', status: 200, text: 'oops' }])).toEqual({ problem: 'bare /b: not JSON: oops' });
});
