import { constraints, relations, tables, views } from '../db/zapatos/api-shapes.ts';
import type { Catalog, Declaration } from './resource-routes.ts';

/**
 * The tables and views this API serves beyond the guide's authors and books
 * (src/http/routes/): one line each, e.g.
 *
 *   resource('films', { path: '/films' }),
 *   resource('film_actor', { path: '/film-actors', operations: ['list', 'get', 'create', 'delete'] }),
 *   resource('languages', { path: '/languages', writable: ['code', 'name'] }),
 *   resource('film_list', { path: '/film-list', key: ['film_id'] }),          // a view: read-only
 *
 * (import `resource` from './resource-routes.ts'). Nothing that is not
 * declared here is served. What each needs of the schema (columns, key,
 * foreign keys, indexes) comes from src/db/zapatos/api-shapes.ts, which
 * `npm run db:diff` and `npm run db:types` regenerate. How to declare, and the
 * paths, filters and relations a declaration gets: docs/resources.md.
 */
export const resources: readonly Declaration[] = [];

/** What db:types recorded of the migrated schema: what the declarations are served from. */
export const catalog: Catalog = { tables, views, relations, constraints };
