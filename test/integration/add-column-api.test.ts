import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { freePort } from '../support/free-port.ts';
import { filesUnder, useProjectCopy } from '../support/project-copy.ts';
import { runEntrypoint, type RunningProcess } from '../support/process.ts';

/**
 * The guide's promise, "you should see the new field", for the whole API:
 * in a copy of the project, add a nullable column to schema.sql, run
 * `npm run db:diff`, apply, restart: the column is returned, accepted by
 * POST and PATCH with its length limit, and in /openapi.json, and the only
 * files that changed are schema.sql and what the tools generate.
 */
const project = useProjectCopy('add-column');
const copy = project.dir;
const run = project.run;
let server: RunningProcess | undefined;
let baseUrl: string;

afterAll(async () => {
  // Runs before the copy's own clean-up (hooks run in reverse): the server goes before its files and database.
  server?.child.kill('SIGTERM');
  await server?.exited;
});

it('db:diff, db:apply and a restart: the new column is in every answer, request and the document, with no other edit', async () => {
  const schema = readFileSync(path.join(copy, 'schema.sql'), 'utf8');
  writeFileSync(path.join(copy, 'schema.sql'), schema.replace(/^(\s*title\s+varchar\(200\) NOT NULL,)$/m, '$1\n  isbn       varchar(17),'));
  const diff = await run(['diff', 'add_isbn_to_books']);
  expect(diff.output).toMatch(/wrote migrations\/\d+_add_isbn_to_books\.sql/);
  expect(diff.code).toBe(0);
  const apply = await run(['apply']);
  expect(apply.code, apply.output).toBe(0);

  // Only schema.sql and generated files changed: migrations/, src/db/zapatos/ (types and API shapes), and the typed
  // client's types (db:diff regenerates them too, issue 20).
  const before = filesUnder(path.join(repoRoot, 'src'));
  const after = filesUnder(path.join(copy, 'src'));
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((file) => before.get(file) !== after.get(file));
  expect(changed.sort()).toEqual(['client/api-types.ts', 'db/zapatos/api-shapes.ts', 'db/zapatos/schema.d.ts']);

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

  const author = (await (await send('POST', '/authors', { name: 'J.R.R. Tolkien' })).json()) as { id: number };
  const created = await send('POST', '/books', { title: 'The Hobbit', author_id: author.id, isbn: '978-0-261-10221-7' });
  expect(created.status).toBe(201);
  const book = (await created.json()) as { id: number; isbn: string };
  expect(book.isbn).toBe('978-0-261-10221-7');
  const tooLong = await send('POST', '/books', { title: 'Too long', author_id: author.id, isbn: '978-0-261-10221-7-X' });
  expect(tooLong.status).toBe(422);
  expect(JSON.stringify(await tooLong.json())).toContain('"loc":["body","isbn"]');
  expect((await send('PATCH', `/books/by-id/${book.id}`, { isbn: null })).status).toBe(200);
  const listed = (await (await send('GET', `/books/${author.id}`)).json()) as { isbn: string | null }[];
  expect(listed).toEqual([expect.objectContaining({ title: 'The Hobbit', isbn: null })]);

  const document = (await (await send('GET', '/openapi.json')).json()) as {
    components: { schemas: Record<string, { properties: Record<string, { maxLength?: number }> }> };
  };
  expect(document.components.schemas.NewBook!.properties.isbn!.maxLength).toBe(17);
  expect(document.components.schemas.Book!.properties.isbn).toBeDefined();
});
