import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { sql } from '@databases/pg';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateApiShapes } from '../../src/codegen/generate-api-shapes.ts';
import { createPool } from '../../src/db/pool.ts';
import * as resourceSql from '../../src/db/resource-queries.ts';
import { createApp } from '../../src/http/app.ts';
import { resource, resourceRoutes, type Catalog } from '../../src/http/resource-routes.ts';
import { call, startApp, type TestApp } from '../support/app.ts';
import { DocumentArbitraries, type DocumentRequest } from '../support/openapi-arbitraries.ts';
import { redoclyLint, spectralLint } from '../support/openapi-lint.ts';
import { ResponseValidator } from '../support/openapi-responses.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';

/**
 * Tables and views served from declarations (src/http/resource-routes.ts,
 * docs/resources.md), end to end over a multi-table schema of its own
 * (test/fixtures/resources-schema.sql: a text key, a bigint identity, a
 * composite key, a uuid key, a self-referencing foreign key, a view and a
 * materialized view, and one table left undeclared). The catalog the
 * resources are served from is the one db:types generates
 * (generateApiShapes, written to a temporary directory and imported), not a
 * live query. Every answer is checked against the served /openapi.json by
 * call(); Redocly and Spectral lint the document.
 */
const adminUrl = inject('adminUrl');
const root = path.resolve(import.meta.dirname, '..', '..');
const schema = readFileSync(path.join(root, 'test', 'fixtures', 'resources-schema.sql'), 'utf8');
const out = mkdtempSync(path.join(tmpdir(), 'bookshelf-resources-'));
let url: string;
let app: TestApp;
let catalog: Catalog;

const declarations = [
  resource('languages', { path: '/languages' }),
  resource('films', { path: '/films' }),
  resource('actors', { path: '/actors' }),
  resource('film_actor', { path: '/film-actors' }),
  resource('reviews', { path: '/reviews', writable: ['film_id', 'stars', 'body'] }),
  resource('staff', { path: '/staff' }),
  resource('film_list', { path: '/film-list', key: ['film_id'] }),
  resource('film_counts', { path: '/film-counts', key: ['language_code'] }),
];

beforeAll(async () => {
  url = await createDatabase(adminUrl);
  await adminQuery(url, schema);
  mkdirSync(path.join(out, 'zapatos'));
  await generateApiShapes(url, out);
  catalog = (await import(path.join(out, 'zapatos', 'api-shapes.ts'))) as Catalog;
  app = await startApp(url, { resources: { declarations, catalog } });
}, 60_000);
afterAll(async () => {
  await app?.close();
  if (url) await dropDatabase(adminUrl, url);
  rmSync(out, { recursive: true, force: true });
});

const rows = async (text: string) => app.pool.query(sql.__dangerous__constructFromParts([{ type: 0, text }]));

/** Every page of a list, following `Link: rel="next"`: the rows in order, and the pages' count. */
async function allPages(first: string): Promise<{ rows: Record<string, unknown>[]; pages: number }> {
  const found: Record<string, unknown>[] = [];
  let next: string | undefined = first;
  let pages = 0;
  while (next) {
    const { status, body, headers } = await call(app, 'GET', next);
    expect(status, JSON.stringify(body)).toBe(200);
    found.push(...(body as Record<string, unknown>[]));
    pages++;
    next = /^<([^>]+)>; rel="next"$/.exec(headers.get('link') ?? '')?.[1];
    expect(pages).toBeLessThan(100);
  }
  return { rows: found, pages };
}

describe('declarations', () => {
  it('serves what is declared, and nothing else', async () => {
    const { body: document } = await call(app, 'GET', '/openapi.json');
    const paths = Object.keys(document.paths);
    for (const declared of ['/languages', '/films/{film_id}', '/film-actors/{actor_id}/{film_id}', '/reviews/{review_id}', '/film-list']) {
      expect(paths).toContain(declared);
    }
    expect(paths.some((p) => p.startsWith('/secrets'))).toBe(false);
    expect((await call(app, 'GET', '/secrets')).status).toBe(404);
    expect(document.components.schemas.Films.properties.film_id).toEqual({ type: 'integer', minimum: 1, maximum: 9007199254740991 });
    expect(document.components.schemas.NewReviews.properties).not.toHaveProperty('review_id');
    // A view is read-only: no create, change or delete in the document, and a 405 on the wire.
    expect(Object.keys(document.paths['/film-list'])).toEqual(['get']);
    expect((await call(app, 'POST', '/film-list', { title: 'x' })).status).toBe(405);
  });

  it('a declaration the schema cannot serve stops the server, saying why', () => {
    const refused = (declaration: ReturnType<typeof resource>, why: RegExp) => {
      let thrown: unknown;
      try {
        resourceRoutes(app.pool, [declaration], catalog);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: 'RESOURCE_DECLARATION', message: expect.stringMatching(why) });
    };
    refused(resource('nope', { path: '/nope' }), /no such table or view/);
    refused(resource('film_list', { path: '/film-list', key: ['film_id'], operations: ['create'] }), /read-only/);
    refused(resource('film_list', { path: '/film-list' }), /no primary key/);
    refused(resource('films', { path: '/films', writable: ['film_id'] }), /set by the database/);
    refused(resource('films', { path: '/films', filterable: ['nope'] }), /column nope does not exist/);
    refused(resource('films', { path: '/Films' }), /lower-case/);
    refused(resource('films', { path: '/films', rowPath: '/films/By-Id' }), /lower-case/);
    refused(resource('film_actor', { path: '/film-actors', cursor: 'key' }), /one-column key/);
    refused(resource('films', { path: '/films', lists: [{ path: '/films/{nope}', operationId: 'x' }] }), /nope is not a column/);
    refused(resource('films', { path: '/films', lists: [{ path: '/films/{Title}', operationId: 'x' }] }), /list path/);
    expect(() => resourceRoutes(app.pool, [resource('films', { path: '/a' }), resource('actors', { path: '/a' })], catalog)).toThrow(
      /declared twice/,
    );
  });
});

describe('keys and CRUD', () => {
  it('a text key: create, read, change, delete, 404', async () => {
    const created = await call(app, 'POST', '/languages', { code: 'en', name: 'English' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/languages/en');
    expect(created.body).toEqual({ code: 'en', name: 'English' });
    await call(app, 'POST', '/languages', { code: 'fr', name: 'French' });
    expect(await call(app, 'GET', '/languages/en')).toMatchObject({ status: 200, body: { code: 'en', name: 'English' } });
    expect(await call(app, 'PATCH', '/languages/fr', { name: 'Français' })).toMatchObject({ status: 200, body: { name: 'Français' } });
    expect((await call(app, 'GET', '/languages/xx')).status).toBe(404);
    expect((await call(app, 'POST', '/languages', { code: 'en', name: 'Again' })).status).toBe(409);
    const blank = await call(app, 'POST', '/languages', { code: 'de', name: ' ' });
    expect(blank.status).toBe(422);
    expect(blank.body.errors[0].loc).toEqual(['body', 'name']);
    // A text key is a URL segment and a Location header: at most 200 characters.
    const long = await call(app, 'POST', '/languages', { code: '李'.repeat(201), name: 'Long' });
    expect(long.status).toBe(422);
    expect(long.body.errors[0]).toMatchObject({ loc: ['body', 'code'], msg: 'must be at most 200 characters' });
    expect((await call(app, 'POST', '/languages', { code: 'zz', name: 'Temp' })).status).toBe(201);
    expect((await call(app, 'DELETE', '/languages/zz')).status).toBe(204);
    expect((await call(app, 'DELETE', '/languages/zz')).status).toBe(404);
  });

  it('a bigint identity key; a foreign key naming no row is a 422 at its field; a CHECK is a 422', async () => {
    const film = await call(app, 'POST', '/films', { title: 'Alien', language_code: 'en', release_year: 1979, rating: 8.5 });
    expect(film.status).toBe(201);
    expect(film.headers.get('location')).toBe(`/films/${film.body.film_id}`);
    expect(film.body).toMatchObject({ title: 'Alien', language_code: 'en', release_year: 1979, rating: 8.5, notes: null });
    const noLanguage = await call(app, 'POST', '/films', { title: 'X', language_code: 'qq' });
    expect(noLanguage.status).toBe(422);
    expect(noLanguage.body.errors).toEqual([{ loc: ['body', 'language_code'], msg: 'refers to no row of languages', type: 'foreign_key' }]);
    const tooLate = await call(app, 'POST', '/films', { title: 'X', language_code: 'en', release_year: 3000 });
    expect(tooLate.status).toBe(422);
    expect(tooLate.body.errors[0].loc).toEqual(['body', 'release_year']);
    expect((await call(app, 'PATCH', `/films/${film.body.film_id}`, { language_code: 'qq' })).status).toBe(422);
    expect((await call(app, 'GET', '/films/abc')).body.errors[0]).toMatchObject({ loc: ['path', 'film_id'], msg: 'must be an integer' });
    expect((await call(app, 'GET', '/films/99999999999999999999')).status).toBe(422);
    expect((await call(app, 'GET', '/films/123456789012')).status).toBe(404);
    // A language still in use is a 409 (films.language_code has no ON DELETE CASCADE).
    expect((await call(app, 'DELETE', '/languages/en')).status).toBe(409);
  });

  it('a composite key: /film-actors/{actor_id}/{film_id}', async () => {
    const actor = await call(app, 'POST', '/actors', { name: 'Sigourney Weaver' });
    const [film] = await rows(`SELECT film_id FROM films WHERE title = 'Alien'`);
    const created = await call(app, 'POST', '/film-actors', { actor_id: actor.body.actor_id, film_id: film!.film_id, role: 'Ripley' });
    expect(created.status).toBe(201);
    const location = `/film-actors/${actor.body.actor_id}/${film!.film_id}`;
    expect(created.headers.get('location')).toBe(location);
    expect(await call(app, 'GET', location)).toMatchObject({ status: 200, body: { role: 'Ripley' } });
    expect(await call(app, 'PATCH', location, { role: 'Ellen Ripley' })).toMatchObject({ status: 200, body: { role: 'Ellen Ripley' } });
    const again = await call(app, 'POST', '/film-actors', { actor_id: actor.body.actor_id, film_id: film!.film_id });
    expect(again.status).toBe(409);
    expect(again.body.errors.map((e: { loc: string[] }) => e.loc)).toEqual([
      ['body', 'actor_id'],
      ['body', 'film_id'],
    ]);
    expect((await call(app, 'GET', `/film-actors/${actor.body.actor_id}/x`)).body.errors[0].loc).toEqual(['path', 'film_id']);
    expect((await call(app, 'DELETE', location)).status).toBe(204);
    expect((await call(app, 'GET', location)).status).toBe(404);
  });

  it('a uuid key, and writable limits what a client may set', async () => {
    const [film] = await rows(`SELECT film_id FROM films WHERE title = 'Alien'`);
    const review = await call(app, 'POST', '/reviews', { film_id: film!.film_id, stars: 5, body: 'Tense.' });
    expect(review.status).toBe(201);
    expect(review.headers.get('location')).toBe(`/reviews/${review.body.review_id}`);
    expect(await call(app, 'GET', `/reviews/${review.body.review_id}`)).toMatchObject({ status: 200, body: { stars: 5 } });
    expect((await call(app, 'GET', '/reviews/not-a-uuid')).body.errors[0]).toMatchObject({
      loc: ['path', 'review_id'],
      msg: 'must be a UUID',
    });
    const chosenId = await call(app, 'POST', '/reviews', { review_id: review.body.review_id, film_id: film!.film_id, stars: 4 });
    expect(chosenId.status).toBe(422);
    expect(chosenId.body.errors[0]).toMatchObject({ loc: ['body', 'review_id'], msg: 'unknown field' });
    expect((await call(app, 'POST', '/reviews', { film_id: film!.film_id, stars: 7 })).body.errors[0].loc).toEqual(['body', 'stars']);
  });
});

describe('lists: keyset pages, filters, order', () => {
  beforeAll(async () => {
    await rows(
      `INSERT INTO films (title, language_code, release_year, notes, created_at)
       SELECT 'Film ' || lpad(i::text, 3, '0'), CASE WHEN i % 3 = 0 THEN 'fr' ELSE 'en' END, 1950 + i % 70, 'note ' || i,
              timestamptz '2026-01-01' + i * interval '1 hour'
         FROM generate_series(1, 120) AS i;
       INSERT INTO actors (name) SELECT 'Actor ' || i FROM generate_series(1, 12) AS i;
       INSERT INTO film_actor (actor_id, film_id) SELECT a.actor_id, f.film_id FROM actors a, (SELECT film_id FROM films ORDER BY film_id LIMIT 9) f;
       INSERT INTO reviews (film_id, stars) SELECT film_id, 1 + film_id % 5 FROM films;`,
    );
  });

  it('every row once, in key order, across pages (bigint, composite and uuid keys)', async () => {
    for (const [list, order] of [
      ['/films', 'film_id'],
      ['/film-actors', 'actor_id, film_id'],
      ['/reviews', 'review_id'],
    ] as const) {
      const expected = await rows(
        `SELECT * FROM ${list.slice(1).replace('-', '_').replace('film_actors', 'film_actor')} ORDER BY ${order}`,
      );
      const { rows: listed, pages } = await allPages(`${list}?limit=7`);
      expect(pages).toBe(Math.ceil(expected.length / 7) + (expected.length % 7 === 0 ? 1 : 0));
      const keys = order.split(', ');
      expect(listed.map((row) => keys.map((k) => String(row[k])).join('/'))).toEqual(
        expected.map((row) => keys.map((k) => String(row[k])).join('/')),
      );
    }
  });

  it('filters: equality, ranges and in lists, kept in the Link of every page', async () => {
    const { rows: french } = await allPages('/films?language_code=fr&release_year.gte=1990&release_year.lt=2010&limit=3');
    const expected = await rows(
      `SELECT film_id FROM films WHERE language_code = 'fr' AND release_year >= 1990 AND release_year < 2010 ORDER BY film_id`,
    );
    expect(expected.length).toBeGreaterThan(3);
    expect(french.map((film) => Number(film.film_id))).toEqual(expected.map((row) => Number(row.film_id)));
    const { body: some } = await call(app, 'GET', '/films?release_year.in=1951,1952,2019&limit=200');
    const listed = await rows(`SELECT count(*)::int AS n FROM films WHERE release_year IN (1951, 1952, 2019)`);
    expect(some).toHaveLength(listed[0]!.n);
    const { body: since } = await call(app, 'GET', '/films?created_at.gt=2026-01-04T23:00:00Z&created_at.lte=2026-01-05T10:00:00%2B00:00');
    expect(since.map((film: { title: string }) => film.title)).toEqual(
      Array.from({ length: 11 }, (_, i) => `Film ${String(96 + i).padStart(3, '0')}`),
    );
  });

  it('order by an indexed column, both ways, with keyset pages still exact', async () => {
    for (const [order, direction] of [
      ['title', 'ASC'],
      ['-title', 'DESC'],
      ['-created_at', 'DESC'],
    ] as const) {
      const column = order.replace('-', '');
      const expected = await rows(`SELECT film_id FROM films ORDER BY ${column} ${direction}, film_id ${direction}`);
      const { rows: listed } = await allPages(`/films?order=${order}&limit=11`);
      expect(listed.map((film) => Number(film.film_id))).toEqual(expected.map((row) => Number(row.film_id)));
    }
  });

  it('a filter on a column with no index is a 422 that says so; bad values are 422s naming the parameter', async () => {
    const unindexed = await call(app, 'GET', '/films?notes=note%201');
    expect(unindexed.status).toBe(422);
    expect(unindexed.body.errors).toEqual([
      { loc: ['query', 'notes'], msg: expect.stringContaining('notes has no index'), type: 'not_indexed' },
    ]);
    expect((await call(app, 'GET', '/films?rating.gt=1')).body.errors[0].type).toBe('not_indexed');
    for (const [query, parameter] of [
      ['release_year=abc', 'release_year'],
      ['release_year.gte=99999999999', 'release_year.gte'],
      ['release_year.in=1,x', 'release_year.in'],
      ['created_at.gt=yesterday', 'created_at.gt'],
      ['created_at.gt=2026-02-30T00:00:00Z', 'created_at.gt'],
      ['order=notes', 'order'],
      ['after=!!', 'after'],
      ['after=WyJ4Il0', 'after'],
      ['limit=0', 'limit'],
    ]) {
      const { status, body } = await call(app, 'GET', `/films?${query}`);
      expect(status, query).toBe(422);
      expect(body.errors[0].loc, query).toEqual(['query', parameter]);
    }
  });
});

describe('relations and views', () => {
  it('a row with its parent or its children, each in one SQL query', async () => {
    const [film] = await rows(`SELECT film_id FROM films ORDER BY film_id LIMIT 1`);
    const before = app.queries.count;
    const withLanguage = await call(app, 'GET', `/films/${film!.film_id}/with-language`);
    expect(app.queries.count - before).toBe(1);
    expect(withLanguage.body.language).toEqual({ code: 'en', name: 'English' });
    const withCast = await call(app, 'GET', `/films/${film!.film_id}/with-film-actors`);
    expect(withCast.body.film_actors).toHaveLength(13); // Sigourney Weaver and the 12 actors of the list tests
    expect(withCast.body.film_actors.map((row: { actor_id: number }) => row.actor_id)).toEqual(
      [...withCast.body.film_actors.map((row: { actor_id: number }) => row.actor_id)].sort((a: number, b: number) => a - b),
    );
    const withReviews = await call(app, 'GET', `/films/${film!.film_id}/with-reviews`);
    expect(withReviews.body.reviews.length).toBeGreaterThan(0);
    const french = await call(app, 'GET', '/languages/fr/with-films');
    expect(french.body.films).toHaveLength(40);
    expect((await call(app, 'GET', '/films/123456789/with-language')).status).toBe(404);
  });

  it('a self-referencing foreign key: a manager, and their reports', async () => {
    const boss = await call(app, 'POST', '/staff', { name: 'Boss' });
    const report = await call(app, 'POST', '/staff', { name: 'Report', manager_id: boss.body.staff_id });
    expect((await call(app, 'GET', `/staff/${report.body.staff_id}/with-manager`)).body.manager).toMatchObject({ name: 'Boss' });
    expect((await call(app, 'GET', `/staff/${boss.body.staff_id}/with-manager`)).body.manager).toBeNull();
    const reports = await call(app, 'GET', `/staff/${boss.body.staff_id}/with-staff`);
    expect(reports.body.staff.map((s: { name: string }) => s.name)).toEqual(['Report']);
    expect((await call(app, 'GET', `/staff?manager_id=${boss.body.staff_id}`)).body).toHaveLength(1);
  });

  it('a view and a materialized view, read-only, paged by their declared key', async () => {
    const { rows: listed } = await allPages('/film-list?limit=50');
    const count = await rows(`SELECT count(*)::int AS n FROM film_list`);
    expect(listed).toHaveLength(count[0]!.n);
    const one = await call(app, 'GET', `/film-list/${listed[0]!.film_id}`);
    expect(one.body).toMatchObject({ title: listed[0]!.title, language: 'English' });
    await rows('REFRESH MATERIALIZED VIEW film_counts');
    expect((await call(app, 'GET', '/film-counts/fr')).body).toEqual({ language_code: 'fr', films: 40 });
    expect((await call(app, 'GET', '/film-counts?order=-language_code')).status).toBe(422);
    expect((await call(app, 'DELETE', '/film-counts/fr')).status).toBe(405);
  });
});

describe('speed', () => {
  it('every resource query is a named prepared statement, parsed once per connection', async () => {
    await rows(`INSERT INTO languages VALUES ('en', 'English'), ('fr', 'French') ON CONFLICT DO NOTHING`);
    const pool = createPool({ url, size: 1 });
    try {
      const films = { name: 'films', key: ['film_id'], jsonColumns: [] };
      const list = {
        filters: [{ column: 'language_code', op: 'eq' as const, value: 'fr' }],
        order: ['film_id'],
        descending: false,
        limit: 5,
      };
      const embed = {
        name: 'reviews',
        kind: 'children' as const,
        table: 'reviews',
        columns: ['film_id'],
        references: ['film_id'],
        order: ['review_id'],
        limit: 1000,
      };
      for (let round = 0; round < 2; round++) {
        const page = await resourceSql.listPage(pool, films, list);
        await resourceSql.listPage(pool, films, { ...list, after: page.last });
        const created = await resourceSql.insertRow(pool, films, { title: `Prepared ${round}`, language_code: 'en' });
        await resourceSql.getRow(pool, films, created.key);
        await resourceSql.getRow(pool, films, created.key, embed);
        await resourceSql.updateRow(pool, films, created.key, { notes: 'x' });
        await resourceSql.deleteRow(pool, films, created.key);
      }
      const prepared = (await pool.query(sql`SELECT name, statement FROM pg_prepared_statements ORDER BY name`)) as { statement: string }[];
      const ours = prepared.filter((p) => p.statement.includes('"films"'));
      // list, list after, insert, get, get with reviews, update, delete: seven statements, each prepared once for two rounds.
      expect(ours).toHaveLength(7);
      expect(ours.filter((p) => p.statement.startsWith(`SELECT '[' || string_agg`))).toHaveLength(2);
    } finally {
      await pool.dispose();
    }
  });
});

describe('fuzzing every declared resource from the document', () => {
  const SEED = Number(process.env.FUZZ_SEED ?? 20_261_206);
  const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

  /** Every property one answer breaks (as test/integration/fuzz.test.ts checks the guide's routes). */
  function violations(request: DocumentRequest, status: number, headers: Headers, text: string, validator: ResponseValidator): string[] {
    const found: string[] = [];
    if (status >= 500) found.push(`${status}: ${text.slice(0, 300)}`);
    let problem: { status?: unknown; errors?: { type: string }[] } = {};
    if (status >= 400) {
      if (headers.get('content-type') !== 'application/problem+json; charset=utf-8') found.push(`${status} not a problem`);
      problem = JSON.parse(text) as typeof problem;
    }
    const path = request.path + request.query;
    found.push(...validator.problems({ method: request.method, path, status, headers, text }));
    if (request.kind === 'valid') {
      const onlyMissingRows = status === 422 && (problem.errors ?? []).every((error) => error.type === 'foreign_key');
      if ([400, 413, 415].includes(status) || (status === 422 && !onlyMissingRows)) {
        found.push(`the document allows this request, the server refused it: ${status} ${text.slice(0, 300)}`);
      }
    }
    if (request.kind === 'invalid' && status !== 422)
      found.push(`the document rules this out (${request.flaw}), the server answered ${status}`);
    if (request.body && ((request.method === 'POST' && status === 201) || (request.method === 'PATCH' && status === 200))) {
      const stored = JSON.parse(text) as Record<string, unknown>;
      for (const [key, value] of Object.entries(request.body as Record<string, unknown>)) {
        if (!isDeepStrictEqual(stored[key], value)) found.push(`stored ${key} as ${JSON.stringify(stored[key])}, not as sent`);
      }
    }
    return found;
  }

  it(
    `${RUNS} runs of up to 30 requests to every declared resource's operations: no 5xx, answers keep the document`,
    { timeout: 300_000 },
    async () => {
      const document = (await (await fetch(`${app.baseUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
      const arbitraries = new DocumentArbitraries(document);
      const validator = new ResponseValidator(document);
      const declaredPaths = declarations.map((d) => d.options.path);
      const operations = arbitraries
        .operations()
        .filter((op) => declaredPaths.some((p) => op.template === p || op.template.startsWith(`${p}/`)));
      expect(new Set(operations.map((op) => op.template.split('/')[1])).size).toBe(declarations.length);
      const statuses = new Map<number, number>();
      let requests = 0;
      const property = fc.asyncProperty(
        fc.array(fc.oneof(...operations.map((op) => arbitraries.requestFor(op.operationId))), { maxLength: 30, size: 'max' }),
        async (sequence) => {
          for (const request of sequence) {
            const response = await fetch(`${app.baseUrl}${request.path}${request.query}`, {
              method: request.method,
              ...(request.body === undefined
                ? {}
                : { body: JSON.stringify(request.body), headers: { 'content-type': 'application/json' } }),
            }).catch((error: unknown) => {
              throw new Error(
                `${request.method} ${request.path}${request.query}: ${String(error)} ${JSON.stringify((error as Error).cause)}`,
              );
            });
            const text = await response.text();
            requests++;
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            const found = violations(request, response.status, response.headers, text, validator);
            if (found.length > 0) {
              throw new Error(
                `${request.kind}: ${request.method} ${request.path}${request.query} ${JSON.stringify(request.body)}\n${found.join('\n')}`,
              );
            }
          }
        },
      );
      await fc.assert(property, { seed: SEED, numRuns: RUNS });
      console.log(`resources fuzz: ${requests} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
      expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
      expect(statuses.get(201) ?? 0).toBeGreaterThan(0);
      expect(statuses.get(422) ?? 0).toBeGreaterThan(0);
    },
  );
});

/** Redocly's and Spectral's findings on a served document: none, or the test fails. */
async function expectLintClean(document: unknown, name: string) {
  const file = path.join(out, name);
  writeFileSync(file, JSON.stringify(document, null, 2));
  const redocly = await redoclyLint(file);
  expect(redocly.output).toContain('Woohoo! Your API description is valid.');
  expect(redocly.output).not.toMatch(/warning/i);
  const spectral = await spectralLint(file);
  expect(spectral.findings).toEqual([]);
}

describe('the document', () => {
  it('is clean under Redocly and Spectral', async () => {
    await expectLintClean((await call(app, 'GET', '/openapi.json')).body, 'openapi.json');
  }, 120_000);
});

describe('who may call it (access, API_TOKENS names)', () => {
  const ops = 'ops-0123456789abcdef-secret';
  const reporting = 'reporting-0123456789abcdef-secret';
  const anyone = 'any-0123456789abcdef-unnamed';
  const guarded = [
    resource('languages', { path: '/languages', access: { read: ['reporting', 'ops'], write: ['ops'] } }),
    resource('films', { path: '/films', access: { read: 'token' } }),
    resource('actors', { path: '/actors' }),
    resource('staff', { path: '/staff', access: { read: 'public', write: 'token' } }),
  ];
  const tokens = [{ name: 'ops', secret: ops }, { name: 'reporting', secret: reporting }, anyone];
  let secured: TestApp;
  beforeAll(async () => {
    // API_READS=token: a declaration's `read: 'public'` opens its reads all the same.
    secured = await startApp(url, { auth: { tokens, reads: 'token' }, resources: { declarations: guarded, catalog } });
  });
  afterAll(() => secured?.close());
  const as = (method: string, path: string, bearer?: string, body?: unknown) =>
    call(secured, method, path, body, bearer ? { authorization: `Bearer ${bearer}` } : {});

  it('names: 401 without a valid token, 403 for a caller not named (naming the callers, not the token), else served', async () => {
    expect((await as('GET', '/languages')).status).toBe(401);
    expect((await as('GET', '/languages', `${ops}x`)).status).toBe(401);
    const refused = await as('GET', '/languages', anyone);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 403, title: 'Forbidden', detail: expect.stringMatching(/languages.*reporting, ops/) });
    expect(JSON.stringify(refused.body)).not.toContain(anyone);
    expect((await as('GET', '/languages', reporting)).status).toBe(200);
    expect((await as('GET', '/languages', ops)).status).toBe(200);
    expect((await as('GET', '/languages/en/with-films', reporting)).status).not.toBe(403);
    // Writes: ops only. A key that does not exist: past the guard, a 404.
    expect((await as('DELETE', '/languages/nope')).status).toBe(401);
    expect((await as('DELETE', '/languages/nope', reporting)).status).toBe(403);
    expect((await as('DELETE', '/languages/nope', anyone)).status).toBe(403);
    expect((await as('DELETE', '/languages/nope', ops)).status).toBe(404);
  });

  it("'token' is any valid token, named or not; 'public' opens reads API_READS=token closes; unspecified is the default", async () => {
    expect((await as('GET', '/films')).status).toBe(401);
    for (const bearer of [anyone, reporting, ops]) expect((await as('GET', '/films', bearer)).status).toBe(200);
    expect((await as('GET', '/actors')).status).toBe(401); // API_READS=token
    expect((await as('GET', '/actors', anyone)).status).toBe(200);
    expect((await as('DELETE', '/actors/999999')).status).toBe(401);
    expect((await as('DELETE', '/actors/999999', reporting)).status).toBe(404);
    expect((await as('GET', '/staff')).status).toBe(200);
    expect((await as('DELETE', '/staff/999999')).status).toBe(401);
    expect((await as('DELETE', '/staff/999999', anyone)).status).toBe(404);
    expect((await as('GET', '/healthz')).status).toBe(200); // the probes are public by their own route
  });

  it('the document says it per operation: the security requirement, the names (description, x-callers), a 403', async () => {
    const { body: document } = await as('GET', '/openapi.json');
    const languages = document.paths['/languages'].get;
    expect(languages.security).toEqual([{ bearerAuth: [] }]);
    expect(languages['x-callers']).toEqual(['reporting', 'ops']);
    expect(languages.description).toContain('Only for the callers reporting, ops');
    expect(languages.responses['403']).toEqual({ $ref: '#/components/responses/Forbidden' });
    expect(document.paths['/languages/{code}'].delete['x-callers']).toEqual(['ops']);
    expect(document.paths['/films'].get.security).toEqual([{ bearerAuth: [] }]);
    expect(document.paths['/films'].get.responses).not.toHaveProperty('403');
    expect(document.paths['/films'].get).not.toHaveProperty('x-callers');
    expect(document.paths['/staff'].get.security).toEqual([]);
    expect(document.paths['/staff'].get.responses).not.toHaveProperty('401');
    expect(document.paths['/actors'].get.security).toEqual([{ bearerAuth: [] }]);
    expect(document.paths['/healthz'].get.security).toEqual([]);
    expect(document.components.responses.Forbidden).toBeDefined();
    await expectLintClean(document, 'openapi-access.json');
    // The project's own document (no names) has no 403 at all.
    const { body: plain } = await call(app, 'GET', '/openapi.json');
    expect(plain.components.responses).not.toHaveProperty('Forbidden');
  }, 120_000);

  it('a caller no token names, or an access that is not one, stops the server (RESOURCE_DECLARATION)', async () => {
    const unnamed = { auth: { tokens: [{ name: 'ops', secret: ops }] }, resources: { declarations: guarded, catalog } };
    let thrown: unknown;
    try {
      createApp({ db: app.pool, ...unnamed });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      code: 'RESOURCE_DECLARATION',
      message: expect.stringMatching(/resource\('languages'\): access.read names reporting, which no token of API_TOKENS has/),
    });
    const refused = (access: object, why: RegExp) =>
      expect(() => resourceRoutes(app.pool, [resource('films', { path: '/films', access })], catalog)).toThrow(why);
    refused({ read: [] }, /access.read: 'public' or 'token', or a non-empty list of caller names/);
    refused({ write: 'public' }, /access.write: 'token', or a non-empty list/);
    refused({ read: ['Ops'] }, /access.read/);
    // Without tokens nothing is enforced (the local embedded database), names or not.
    const open = await startApp(url, { resources: { declarations: guarded, catalog } });
    try {
      expect((await call(open, 'GET', '/languages')).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});
