import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetFlags } from '../../src/atlas/flags.ts';
import { atlasOrThrow } from '../../src/atlas/run.ts';
import { repoRoot } from '../../src/project/paths.mjs';
import { freePort } from '../support/free-port.ts';
import { ResponseValidator } from '../support/openapi-responses.ts';
import { filesUnder, useProjectCopy } from '../support/project-copy.ts';
import { runEntrypoint, type RunningProcess } from '../support/process.ts';

/**
 * Issue 20, in a copy of the project as a user would do it: one nullable
 * column of each kind (integer, numeric, boolean, enum, array, jsonb,
 * timestamp) and columns with simple and not-so-simple CHECKs and a UNIQUE
 * are added to schema.sql; `db:diff` (which must regenerate the typed
 * client too), `db:apply`, a restart. Then the document and the server must
 * agree on every one: what the document says a client may send (null
 * included) the server accepts, what it refuses the server refuses with a
 * 4xx naming the field, and every answer keeps the document. Finally
 * db:check must fail when the typed client is stale.
 */
const project = useProjectCopy('shapes-exact');
const copy = project.dir;
const run = project.run;
let server: RunningProcess | undefined;
let baseUrl: string;
let validator: ResponseValidator;
let ajv: Ajv2020;
let authorId: number;

// ajv-formats is CommonJS with `exports.default` (as in test/support/openapi-responses.ts).
type AddFormats = (ajv: Ajv2020) => unknown;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as AddFormats;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- catalog rows and JSON documents are read as plain JSON
let document: Json;

/** The new columns, each nullable, one of each kind; then ones with CHECKs, a two-column CHECK and a UNIQUE. */
const added = `
  pages        integer,
  price        numeric(8,2),
  in_print     boolean,
  format       book_format,
  tags         text[],
  extra        jsonb,
  published_at timestamptz,
  rating       integer CHECK (rating BETWEEN 1 AND 5),
  shelf        text CHECK (shelf IN ('A', 'B')),
  code         varchar(20) CHECK (char_length(code) >= 3 AND code <> ''),
  weight       numeric CHECK (weight > 0),
  isbn         varchar(17) UNIQUE,
  slug         text NOT NULL,
  CONSTRAINT books_price_needs_pages CHECK (price IS NULL OR pages IS NOT NULL),`;
/** `slug` is NOT NULL without a default, filled by a BEFORE INSERT trigger: POST must not require it. */
const slugTrigger = `
CREATE FUNCTION books_fill_slug() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.slug := coalesce(NEW.slug, lower(NEW.title));
  RETURN NEW;
END
$$;
CREATE TRIGGER books_fill_slug BEFORE INSERT ON books FOR EACH ROW EXECUTE FUNCTION books_fill_slug();
`;
const kinds = ['pages', 'price', 'in_print', 'format', 'tags', 'extra', 'published_at'] as const;
const valuesOfKinds = {
  pages: 310,
  price: 12.5,
  in_print: true,
  format: 'paperback',
  tags: ['fantasy', 'classic'],
  extra: { edition: 2, notes: null },
  published_at: '1937-09-21T00:00:00Z',
};

async function send(method: string, route: string, body?: unknown) {
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  expect(
    validator.problems({ method, path: route, status: response.status, headers: response.headers, text }),
    `${method} ${route}: ${text}`,
  ).toEqual([]);
  return { status: response.status, body: text ? (JSON.parse(text) as Json) : undefined };
}

/** Whether the document's schema `name` accepts `value`. */
const documentAccepts = (name: string, value: unknown) => ajv.getSchema(`openapi.json#/components/schemas/${name}`)!(value) as boolean;

beforeAll(async () => {
  // The copy and its databases are made by useProjectCopy's beforeAll, which runs first.
  const schema = readFileSync(path.join(copy, 'schema.sql'), 'utf8');
  const edited = schema
    .replace(/^-- Books, each by one author\.$/m, "CREATE TYPE book_format AS ENUM ('hardcover', 'paperback', 'ebook');\n\n$&")
    .replace(/^(\s*title\s+varchar\(200\) NOT NULL,)$/m, `$1${added}`)
    .concat(slugTrigger);
  expect(edited).toContain('books_price_needs_pages');
  writeFileSync(path.join(copy, 'schema.sql'), edited);
  const diff = await run(['diff', 'add_one_of_each']);
  expect(diff.code, diff.output).toBe(0);
  // The gate rightly calls these locks on a busy table; the table here is empty: opt out, reviewed, and rehash.
  const migration = readdirSync(path.join(copy, 'migrations')).find((file) => file.endsWith('_add_one_of_each.sql'))!;
  const optOuts = [
    'constraint-missing-not-valid',
    'require-concurrent-index-creation',
    'require-concurrent-index-deletion',
    'disallowed-unique-constraint',
    'adding-required-field', // slug, NOT NULL without a default: the table is empty here
  ];
  const migrationFile = path.join(copy, 'migrations', migration);
  writeFileSync(
    migrationFile,
    '-- atlas:nolint data_depend\n\n' +
      optOuts.map((rule) => `-- squawk-ignore-file ${rule}\n`).join('') +
      readFileSync(migrationFile, 'utf8'),
  );
  await atlasOrThrow(['migrate', 'hash', ...targetFlags({ migrate: project.dev, dev: project.dev })], { echo: false, cwd: copy });
  const apply = await run(['apply']);
  expect(apply.code, apply.output).toBe(0);

  const port = await freePort();
  server = runEntrypoint('src/main.ts', { DATABASE_URL: project.live, PORT: String(port), HOST: '127.0.0.1' }, [], copy);
  await server.waitFor(/"msg":"serving"/);
  baseUrl = `http://127.0.0.1:${port}`;
  document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as Json;
  validator = new ResponseValidator(document);
  ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(document, 'openapi.json');
  authorId = (await send('POST', '/authors', { name: 'J.R.R. Tolkien' })).body!.id as number;
}, 300_000);

afterAll(async () => {
  // Runs before the copy's own clean-up (hooks run in reverse): the server goes before its files and database.
  server?.child.kill('SIGTERM');
  await server?.exited;
});

describe('a nullable column of each kind flows into the document exactly', () => {
  it('db:diff regenerated the typed client with the shapes: the only changes are schema.sql and generated files', () => {
    const before = filesUnder(path.join(repoRoot, 'src'));
    const after = filesUnder(path.join(copy, 'src'));
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((file) => before.get(file) !== after.get(file));
    expect(changed.sort()).toEqual(['client/api-types.ts', 'db/zapatos/api-shapes.ts', 'db/zapatos/schema.d.ts']);
    const client = after.get('client/api-types.ts')!;
    expect(client).toMatch(/pages\?: number \| null;/);
    // Filled by a BEFORE INSERT trigger: optional in NewBook, there in every Book.
    expect(after.get('db/zapatos/api-shapes.ts')).toContain(
      '"slug":{"type":"text","nullable":false,"hasDefault":false,"filledByTrigger":true}',
    );
    expect(document.components.schemas.NewBook.required).not.toContain('slug');
    expect(document.components.schemas.Book.required).toContain('slug');
    expect(client).toMatch(/format\?: "hardcover" \| "paperback" \| "ebook" \| null;/);
  });

  it('Book, NewBook and BookChanges take null for each, and the server returns and accepts it', async () => {
    for (const name of ['Book', 'NewBook', 'BookChanges']) {
      for (const column of kinds) {
        const property = ajv.compile({ $ref: `openapi.json#/components/schemas/${name}/properties/${column}` });
        expect(property(null), `${name}.${column} accepts null`).toBe(true);
        expect(property(valuesOfKinds[column]), `${name}.${column} accepts ${JSON.stringify(valuesOfKinds[column])}`).toBe(true);
      }
    }
    // A row always has every column: the document must not call any of them optional.
    expect([...document.components.schemas.Book.required].sort()).toEqual(Object.keys(document.components.schemas.Book.properties).sort());

    const allNull = Object.fromEntries(kinds.map((column) => [column, null]));
    const body = { title: 'The Hobbit', author_id: authorId, ...allNull };
    expect(documentAccepts('NewBook', body)).toBe(true);
    const created = await send('POST', '/books', body);
    expect(created.status).toBe(201);
    for (const column of kinds) expect(created.body![column], column).toBeNull();
    expect(created.body!.slug).toBe('the hobbit'); // the trigger filled it

    const filled = await send('PATCH', `/books/by-id/${created.body!.id}`, valuesOfKinds);
    expect(documentAccepts('BookChanges', valuesOfKinds)).toBe(true);
    expect(filled.status, JSON.stringify(filled.body)).toBe(200);
    expect(filled.body).toMatchObject({ ...valuesOfKinds, published_at: expect.stringMatching(/^1937-09-21T00:00:00/) });

    const cleared = await send('PATCH', `/books/by-id/${created.body!.id}`, allNull);
    expect(cleared.status).toBe(200);
    const listed = await send('GET', `/books/${authorId}`);
    expect(listed.body).toEqual([expect.objectContaining(allNull)]);
    // A value of the wrong kind: the document refuses it, and so does the server.
    expect(documentAccepts('BookChanges', { format: 'scroll' })).toBe(false);
    expect((await send('PATCH', `/books/by-id/${created.body!.id}`, { format: 'scroll' })).status).toBe(422);
  });
});

describe('CHECK constraints: simple ones are the shape’s rules, the rest a 4xx naming the constraint', () => {
  it('the document states the simple ones', () => {
    const { NewBook } = document.components.schemas;
    expect(NewBook.properties.rating).toMatchObject({ type: ['integer', 'null'], minimum: 1, maximum: 5 });
    expect(NewBook.properties.shelf).toMatchObject({ enum: ['A', 'B', null] });
    expect(NewBook.properties.code).toMatchObject({ minLength: 3, maxLength: 20 });
    expect(NewBook.properties.weight).toMatchObject({ exclusiveMinimum: 0 });
  });

  it('each is enforced as documented: what the document refuses is a 422 at the field, what it allows is stored', async () => {
    const base = { title: 'Checked', author_id: authorId };
    const refused: [string, unknown][] = [
      ['rating', 7],
      ['rating', 0],
      ['shelf', 'C'],
      ['code', 'ab'],
      ['weight', 0],
    ];
    for (const [field, value] of refused) {
      const body = { ...base, [field]: value };
      expect(documentAccepts('NewBook', body), `document refuses ${field}=${JSON.stringify(value)}`).toBe(false);
      const answer = await send('POST', '/books', body);
      expect(answer.status, `${field}=${JSON.stringify(value)}: ${JSON.stringify(answer.body)}`).toBe(422);
      expect(answer.body!.errors.map((error: { loc: unknown[] }) => error.loc)).toContainEqual(['body', field]);
    }
    const allowed = { ...base, rating: 5, shelf: 'B', code: 'abc', weight: 0.01 };
    expect(documentAccepts('NewBook', allowed)).toBe(true);
    expect((await send('POST', '/books', allowed)).status).toBe(201);
  });

  it('a CHECK over two columns is a 422 naming the constraint and both columns, not a 500', async () => {
    const answer = await send('POST', '/books', { title: 'Priced', author_id: authorId, price: 9.99 });
    expect(answer.status).toBe(422);
    expect(answer.body!.errors).toEqual([
      { loc: ['body', 'price'], msg: 'violates check constraint "books_price_needs_pages"', type: 'check_violation' },
      { loc: ['body', 'pages'], msg: 'violates check constraint "books_price_needs_pages"', type: 'check_violation' },
    ]);
  });

  it('a UNIQUE violation is a 409 naming the constraint and column, without the conflicting row’s values', async () => {
    expect((await send('POST', '/books', { title: 'First', author_id: authorId, isbn: '978-0-261-10221-7' })).status).toBe(201);
    const answer = await send('POST', '/books', { title: 'Second', author_id: authorId, isbn: '978-0-261-10221-7' });
    expect(answer.status).toBe(409);
    expect(answer.body!.errors).toEqual([
      { loc: ['body', 'isbn'], msg: expect.stringContaining('"books_isbn_key"'), type: 'unique_violation' },
    ]);
    expect(JSON.stringify(answer.body)).not.toContain('978-0-261-10221-7');
  });
});

describe('db:check covers the typed client', () => {
  it('passes with the client db:diff wrote, and fails naming src/client/api-types.ts when it is stale', async () => {
    const fresh = await run(['check']);
    expect(fresh.output).toMatch(/^✓ zapatos types fresh: .*src\/client\/api-types\.ts the OpenAPI document/m);
    cpSync(path.join(repoRoot, 'src', 'client', 'api-types.ts'), path.join(copy, 'src', 'client', 'api-types.ts'));
    const stale = await run(['check']);
    expect(stale.code).not.toBe(0);
    expect(stale.output).toMatch(/^✗ zapatos types fresh: src\/client\/api-types\.ts is stale .*run npm run client:types/m);
  }, 240_000);
});
