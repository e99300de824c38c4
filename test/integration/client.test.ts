import { readFileSync } from 'node:fs';
import createClient from 'openapi-fetch';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { paths } from '../../src/client/api-types.ts';
import { clientTypes, typesPath } from '../../src/commands/client-types.ts';
import { startAppOnNewDatabase, type TestApp } from '../support/app.ts';

/**
 * A typed client, generated from the document (openapi-typescript →
 * src/client/api-types.ts) and run with openapi-fetch against the real
 * server: what docs/api.md shows. `npm test` type-checks this file first
 * (tsc), so the calls below are checked against the document's types, and
 * the @ts-expect-error lines prove the types refuse what the server refuses.
 */
let app: TestApp;

beforeAll(async () => {
  app = await startAppOnNewDatabase({ seeded: false });
});
afterAll(() => app?.close());

it('src/client/api-types.ts is fresh (npm run client:types)', async () => {
  expect(readFileSync(typesPath, 'utf8')).toBe(await clientTypes());
});

/** The query of a `Link: <…>; rel="next"` header, as the list operations take it. */
function nextPage(link: string | null): { limit: number; after: number } | undefined {
  const target = link?.match(/^<([^>]+)>; rel="next"$/)?.[1];
  if (!target) return undefined;
  const query = new URL(target, 'http://x').searchParams;
  return { limit: Number(query.get('limit')), after: Number(query.get('after')) };
}

it('lists, creates, pages, patches (null clears), is refused a 409, and deletes, with the generated types', async () => {
  const client = createClient<paths>({ baseUrl: app.baseUrl });

  const empty = await client.GET('/authors');
  expect(empty.data).toEqual([]);

  const created = await client.POST('/authors', { body: { name: 'Ursula K. Le Guin', bio: 'Earthsea.', country: 'United States' } });
  expect(created.response.status).toBe(201);
  const author = created.data!;
  expect(author).toMatchObject({ name: 'Ursula K. Le Guin', country: 'United States' });
  expect(created.response.headers.get('location')).toBe(`/authors/${author.id}`);

  const titles = ['A Wizard of Earthsea', 'The Tombs of Atuan', 'The Farthest Shore'];
  for (const title of titles) {
    const book = await client.POST('/books', { body: { title, author_id: author.id } });
    expect(book.data?.title).toBe(title);
  }

  // Follow Link rel="next" two books at a time until the last page.
  const seen: string[] = [];
  let query: { limit: number; after?: number } | undefined = { limit: 2 };
  while (query) {
    const page = await client.GET('/books/{author_id}', { params: { path: { author_id: author.id }, query } });
    seen.push(...page.data!.map((book) => book.title));
    query = nextPage(page.response.headers.get('link'));
  }
  expect(seen).toEqual(titles);

  const withBooks = await client.GET('/authors/{id}/with-books', { params: { path: { id: author.id } } });
  expect(withBooks.data?.books.map((book) => book.title)).toEqual(titles);

  const patched = await client.PATCH('/authors/{id}', { params: { path: { id: author.id } }, body: { bio: null } });
  expect(patched.data).toMatchObject({ bio: null, country: 'United States' });

  const refused = await client.DELETE('/authors/{id}', { params: { path: { id: author.id } } });
  expect(refused.response.status).toBe(409);
  expect(refused.error).toMatchObject({ status: 409, title: 'Conflict' });

  const invalid = await client.POST('/authors', { body: { name: ' ' } });
  expect(invalid.error?.errors?.[0]?.loc).toEqual(['body', 'name']);

  for (const book of withBooks.data!.books) {
    expect((await client.DELETE('/books/by-id/{id}', { params: { path: { id: book.id } } })).response.status).toBe(204);
  }
  expect((await client.DELETE('/authors/{id}', { params: { path: { id: author.id } } })).response.status).toBe(204);
  expect((await client.GET('/authors/{id}', { params: { path: { id: author.id } } })).error?.status).toBe(404);
});

/** Never run: tsc checks that the generated types refuse what the server refuses. */
export function refusedByTheTypes(client: ReturnType<typeof createClient<paths>>) {
  // @ts-expect-error name is required
  void client.POST('/authors', { body: { bio: 'x' } });
  // @ts-expect-error author_id is a number
  void client.POST('/books', { body: { title: 'x', author_id: '3' } });
  // @ts-expect-error a book's title cannot be cleared
  void client.PATCH('/books/by-id/{id}', { params: { path: { id: 1 } }, body: { title: null } });
  // @ts-expect-error ids are numbers
  void client.GET('/authors/{id}', { params: { path: { id: 'x' } } });
}
