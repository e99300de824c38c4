import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { freePort } from '../support/free-port.ts';
import { filesUnder, useProjectCopy } from '../support/project-copy.ts';
import { runEntrypoint, type RunningProcess } from '../support/process.ts';

/**
 * A new table served with one declaration: in a copy of the project, add a
 * table to schema.sql and one line to src/http/resources.ts, run
 * `npm run db:diff`, apply, restart: the table is served (create, get, list
 * with a filter on its indexed foreign key), validated (its CHECK is a 422),
 * documented in /openapi.json and in the typed client, and the only files
 * that changed are schema.sql, resources.ts and what the tools generate.
 */
const project = useProjectCopy('add-table');
const copy = project.dir;
const run = project.run;
let server: RunningProcess | undefined;
let baseUrl: string;

afterAll(async () => {
  // Runs before the copy's own clean-up (hooks run in reverse): the server goes before its files and database.
  server?.child.kill('SIGTERM');
  await server?.exited;
});

it('a table in schema.sql and one declaration, db:diff, db:apply and a restart: served, validated, documented, typed', async () => {
  const schema = readFileSync(path.join(copy, 'schema.sql'), 'utf8');
  writeFileSync(
    path.join(copy, 'schema.sql'),
    `${schema}
-- Readers' reviews of books.
CREATE TABLE reviews (
  review_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  book_id   integer NOT NULL REFERENCES books (id) ON DELETE CASCADE,
  rating    integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
  body      text
);
CREATE INDEX reviews_book_id_idx ON reviews (book_id);
`,
  );
  const resources = path.join(copy, 'src', 'http', 'resources.ts');
  const declared = readFileSync(resources, 'utf8').replace(
    'export const resources: readonly Declaration[] = [',
    "export const resources: readonly Declaration[] = [\n  resource('reviews', { path: '/reviews' }),",
  );
  expect(declared).toContain("resource('reviews'");
  writeFileSync(resources, declared);
  const diff = await run(['diff', 'add_reviews']);
  expect(diff.output).toMatch(/wrote migrations\/\d+_add_reviews\.sql/);
  expect(diff.code, diff.output).toBe(0);
  const apply = await run(['apply']);
  expect(apply.code, apply.output).toBe(0);

  const before = filesUnder(path.join(repoRoot, 'src'));
  const after = filesUnder(path.join(copy, 'src'));
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((file) => before.get(file) !== after.get(file));
  expect(changed.sort()).toEqual(['client/api-types.ts', 'db/zapatos/api-shapes.ts', 'db/zapatos/schema.d.ts', 'http/resources.ts']);
  expect(after.get('client/api-types.ts')).toContain('"/reviews/{review_id}"');

  const port = await freePort();
  server = runEntrypoint('src/main.ts', { DATABASE_URL: project.live, PORT: String(port), HOST: '127.0.0.1' }, [], copy);
  await server.waitFor(/"msg":"serving"/);
  baseUrl = `http://127.0.0.1:${port}`;
  const send = (method: string, route: string, body?: unknown) =>
    fetch(`${baseUrl}${route}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  const author = (await (await send('POST', '/authors', { name: 'Ursula K. Le Guin' })).json()) as { id: number };
  const book = (await (await send('POST', '/books', { title: 'The Dispossessed', author_id: author.id })).json()) as { id: number };
  const created = await send('POST', '/reviews', { book_id: book.id, rating: 5, body: 'Ambiguous.' });
  expect(created.status).toBe(201);
  const review = (await created.json()) as { review_id: string; rating: number };
  expect(created.headers.get('location')).toBe(`/reviews/${review.review_id}`);
  expect(await (await send('GET', `/reviews/${review.review_id}`)).json()).toMatchObject({ rating: 5, book_id: book.id });
  const tooHigh = await send('POST', '/reviews', { book_id: book.id, rating: 7 });
  expect(tooHigh.status).toBe(422);
  expect(JSON.stringify(await tooHigh.json())).toContain('"loc":["body","rating"]');
  const noBook = await send('POST', '/reviews', { book_id: 987654, rating: 3 });
  expect(noBook.status).toBe(422);
  const listed = (await (await send('GET', `/reviews?book_id=${book.id}`)).json()) as unknown[];
  expect(listed).toHaveLength(1);
  expect((await send('GET', '/reviews?body=x')).status).toBe(422); // no index on body

  const document = (await (await send('GET', '/openapi.json')).json()) as {
    paths: Record<string, unknown>;
    components: { schemas: Record<string, { properties: Record<string, { maximum?: number }> }> };
  };
  expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/reviews', '/reviews/{review_id}']));
  expect(document.components.schemas.NewReviews!.properties.rating!.maximum).toBe(5);
});
