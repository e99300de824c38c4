import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { freePort } from '../support/free-port.ts';
import { createDatabase, dropDatabase } from '../support/postgres.ts';
import { runEntrypoint, type RunningProcess } from '../support/process.ts';

/**
 * The guide's promise, "you should see the new field", for the whole API:
 * in a copy of the project, add a nullable column to schema.sql, run
 * `npm run db:diff`, apply, restart: the column is returned, accepted by
 * POST and PATCH with its length limit, and in /openapi.json, and the only
 * files that changed are schema.sql and what the tools generate.
 */
const adminUrl = inject('adminUrl');
const copy = mkdtempSync(path.join(tmpdir(), 'bookshelf-add-column-'));
let live: string;
let dev: string;
let server: RunningProcess | undefined;
let baseUrl: string;

const run = async (args: string[]) => {
  const command = runEntrypoint('src/commands/main.ts', { DATABASE_URL: live, ATLAS_DEV_URL: dev }, args, copy);
  const { code } = await command.exited;
  return { code, output: command.output() };
};

/** Every file under a directory, by relative path, with its text. */
function files(dir: string, prefix = ''): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const relative = path.join(prefix, entry.name);
    if (entry.isDirectory()) for (const [file, text] of files(path.join(dir, entry.name), relative)) found.set(file, text);
    else found.set(relative, readFileSync(path.join(dir, entry.name), 'utf8'));
  }
  return found;
}

beforeAll(async () => {
  live = await createDatabase(adminUrl); // the migrated template
  dev = await createDatabase(adminUrl, { empty: true });
  for (const entry of ['schema.sql', 'atlas.hcl', 'migrations', 'src', 'package.json', 'tsconfig.json']) {
    cpSync(path.join(repoRoot, entry), path.join(copy, entry), { recursive: true });
  }
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(copy, 'node_modules'));
  symlinkSync(path.join(repoRoot, '.atlas'), path.join(copy, '.atlas'));
});
afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(copy, { recursive: true, force: true });
  await dropDatabase(adminUrl, live);
  await dropDatabase(adminUrl, dev);
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
  const before = files(path.join(repoRoot, 'src'));
  const after = files(path.join(copy, 'src'));
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((file) => before.get(file) !== after.get(file));
  expect(changed.sort()).toEqual(['client/api-types.ts', 'db/zapatos/api-shapes.ts', 'db/zapatos/schema.d.ts']);

  const port = await freePort();
  server = runEntrypoint('src/main.ts', { DATABASE_URL: live, PORT: String(port), HOST: '127.0.0.1' }, [], copy);
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
