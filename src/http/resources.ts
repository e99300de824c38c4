import { constraints, relations, tables, views } from '../db/zapatos/api-shapes.ts';
import { resource, type Catalog, type Declaration } from './resource-routes.ts';

/**
 * The tables and views this API serves, the guide's authors and books
 * first: one declaration each, e.g.
 *
 *   resource('films', { path: '/films' }),
 *   resource('film_actor', { path: '/film-actors', operations: ['list', 'get', 'create', 'delete'] }),
 *   resource('languages', { path: '/languages', writable: ['code', 'name'] }),
 *   resource('film_list', { path: '/film-list', key: ['film_id'] }),          // a view: read-only
 *
 * Nothing that is not declared here is served. What each needs of the schema (columns, key,
 * foreign keys, indexes) comes from src/db/zapatos/api-shapes.ts, which
 * `npm run db:diff` and `npm run db:types` regenerate. How to declare, and the
 * paths, filters and relations a declaration gets: docs/resources.md.
 */
export const resources: readonly Declaration[] = [
  // The guide's GET /authors is this list: a plain array, paged by id (`?limit=50&after=53`).
  resource('authors', { path: '/authors', name: 'Author', plural: 'Authors', cursor: 'key', description: 'The guide’s GET /authors.' }),
  // One book is at /books/by-id/{id}: the guide's GET /books/{author_id} (an author's books) owns /books/{…}.
  resource('books', {
    path: '/books',
    rowPath: '/books/by-id',
    name: 'Book',
    plural: 'Books',
    cursor: 'key',
    lists: [
      {
        path: '/books/{author_id}',
        operationId: 'listBooksByAuthor',
        summary: 'An author’s books (the guide’s route); [] for an unknown author',
        description: 'The guide’s route and shape.',
      },
    ],
  }),
];

/** What db:types recorded of the migrated schema: what the declarations are served from. */
export const catalog: Catalog = { tables, views, relations, constraints };
