import type { Queryable } from '@databases/pg';
import { z } from 'zod';
import type { ColumnShape, RelationShape } from '../db/column-shape.ts';
import { pageLimits } from '../db/page.ts';
import * as sql from '../db/resource-queries.ts';
import { UserError } from '../errors/user-error.ts';
import type { RouteAccess } from './auth.ts';
import { insertShapeOf, rowShapeOf, updateShapeOf } from './columns.ts';
import { keyParam, listParam, ordered, parseValue, textual, urlType, valueParam } from './column-values.ts';
import { constraintProblem } from './constraint-violations.ts';
import { HttpProblem, invalid, notFound, type FieldError } from './problems.ts';
import { defineRoute, linkHeader, locationHeader, type AnyRoute } from './route.ts';
import { RawJson } from './send.ts';
import { noQuery } from './schemas.ts';

/**
 * Tables and views served from one declaration each (src/http/resources.ts;
 * docs/resources.md): list (filters, order, keyset pages with `Link`), get
 * one, create, change, delete, and each relation a foreign key makes, with
 * the guide's shapes, limits and errors (authors and books are two such
 * declarations), all in the OpenAPI document. What a relation is (its columns, key, foreign keys,
 * indexes, table or view) comes from src/db/zapatos/api-shapes.ts, which
 * db:types generates from the migrated schema: nothing is read from the
 * database when the server starts, and nothing undeclared is served.
 */
type Operation = 'list' | 'get' | 'create' | 'patch' | 'delete';

export interface ResourceOptions {
  /** Where it is served: `/films`, `/film-actors`. One row is at `<path>/{key}` (each key column a segment). */
  path: string;
  /** Default: all five for a table; `list` and `get` for a view (which is read-only). */
  operations?: readonly Operation[];
  /** The columns clients may write; default every column but identity, generated and `created_at`. */
  writable?: readonly string[];
  /** Columns a list may filter on although no index leads with them (each such filter can scan the whole table). */
  filterable?: readonly string[];
  /** A view's columns that identify a row (a view has no primary key): its `get` and its pages' order. */
  key?: readonly string[];
  /** The name of its schemas in the document (`Film`, `NewFilm`, `FilmChanges`); default from the relation's name. */
  name?: string;
  /** What it is, for the document. */
  description?: string;
  /** Where one row is when not under `path`: books' rows are at `/books/by-id/{id}` (`/books/{author_id}` is a list). */
  rowPath?: string;
  /** The list's operationId is `list<plural>`; default `name` (`listFilms`; `listBooks` where `name` is `Book`). */
  plural?: string;
  /**
   * `key`: the list's `after` is the previous page's last key value (`?after=42`, as the guide's lists page), for a
   * one-column key, pages in key order (no `order`). Default: an opaque cursor that also serves `order`.
   */
  cursor?: 'key';
  /** Lists of the rows whose columns equal the path's parameters, e.g. the guide's `GET /books/{author_id}`. */
  lists?: readonly PathList[];
  /**
   * Who may call it (docs/resources.md): `read` 'public', 'token' or caller names (default: API_READS); `write`
   * 'token' or caller names (default: any token). Names are those of API_TOKENS (`ops:<secret>`). Enforced only when
   * the server has tokens.
   */
  access?: Omit<RouteAccess, 'resource'>;
}

/** A list at a path of its own whose parameters are columns: `{ path: '/books/{author_id}', operationId: … }`. */
interface PathList {
  path: string;
  operationId: string;
  summary?: string;
  description?: string;
}

export interface Declaration {
  relation: string;
  options: ResourceOptions;
}

/** Declares `relation` (a table, view or materialized view of the schema) an HTTP resource. */
export function resource<R extends string>(relation: R, options: ResourceOptions): Declaration {
  return { relation, options };
}

/** What db:types recorded of the schema (src/db/zapatos/api-shapes.ts), or a test's own copy of it. */
export interface Catalog {
  tables: Record<string, Record<string, ColumnShape>>;
  /** Each table's constraints and their columns, to name them in a violation's answer. */
  constraints: Record<string, Record<string, readonly string[]>>;
  views: Record<string, Record<string, ColumnShape>>;
  relations: Record<string, RelationShape>;
}

/** A declaration that cannot be served as written: the server does not start. */
class ResourceDeclarationError extends UserError {
  override name = 'ResourceDeclarationError';
  constructor(relation: string, message: string) {
    super(`src/http/resources.ts: resource('${relation}'): ${message}`, {
      code: 'RESOURCE_DECLARATION',
      hint: 'Fix the declaration (see docs/resources.md), or run npm run db:types if the schema changed.',
    });
  }
}

/** An `in` list holds at most this many values. */
const maxInValues = 100;
/** A row embeds at most this many children (`with-…`); more: list the child resource filtered by its foreign key. */
const maxChildren = 1000;

const rangeOps = ['gt', 'gte', 'lt', 'lte'] as const;

const pascal = (name: string) => name.replace(/(^|[_\-\s]+)(\w)/g, (_, _sep: string, c: string) => c.toUpperCase());
const segmentOf = (path: string) => path.split('/').pop()!;
/** The `{param}` names of a path, in order. */
const paramsOf = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);

/**
 * The longest text key a client may write, in characters: a key is a URL
 * segment (and a `Location` header), which a client must be able to read
 * back (HTTP clients refuse headers over 16 KiB; 200 characters encode to at
 * most 2,400 bytes).
 */
const maxTextKey = 200;

interface Resolved {
  declaration: Declaration;
  relation: RelationShape;
  columns: Record<string, ColumnShape>;
  /** The columns as clients write them: a text key at most maxTextKey characters. */
  writeColumns: Record<string, ColumnShape>;
  key: readonly string[];
  operations: Set<Operation>;
  name: string;
  row: z.ZodObject;
  sql: sql.RelationSql;
}

function resolve({ relation: name, options }: Declaration, catalog: Catalog): Resolved {
  const fail = (message: string) => new ResourceDeclarationError(name, message);
  const relation = catalog.relations[name];
  const columns = catalog.tables[name] ?? catalog.views[name];
  if (!relation || !columns) throw fail('no such table or view in the migrated schema (src/db/zapatos/api-shapes.ts)');
  for (const at of [options.path, ...(options.rowPath ? [options.rowPath] : [])]) {
    if (!/^(\/[a-z0-9][a-z0-9-]*)+$/.test(at)) throw fail(`path ${at}: lower-case segments of a-z, 0-9 and -`);
  }
  for (const list of options.lists ?? []) {
    if (!/^(\/([a-z0-9][a-z0-9-]*|\{[a-z_][a-z0-9_]*\}))+$/.test(list.path))
      throw fail(`list path ${list.path}: lower-case segments of a-z, 0-9 and -, or {column}`);
    for (const column of paramsOf(list.path)) {
      if (!columns[column] || !urlType(columns[column])) throw fail(`list path ${list.path}: ${column} is not a column a URL can name`);
    }
  }
  for (const [kind, callers] of Object.entries(options.access ?? {})) {
    const names = typeof callers === 'string' ? [] : callers;
    const known = kind === 'read' ? ['public', 'token'] : ['token'];
    if (typeof callers === 'string' ? !known.includes(callers) : names.length === 0 || names.some((n) => !callerName.test(n)))
      throw fail(`access.${kind}: ${known.map((k) => `'${k}'`).join(' or ')}, or a non-empty list of caller names (a-z, 0-9, _ and -)`);
  }
  const readOnly = relation.kind !== 'table';
  const operations = new Set<Operation>(options.operations ?? (readOnly ? ['list', 'get'] : ['list', 'get', 'create', 'patch', 'delete']));
  if (readOnly) {
    for (const op of ['create', 'patch', 'delete'] as const)
      if (operations.has(op)) throw fail(`a ${relation.kind} is read-only: no ${op}`);
  }
  const key = options.key ?? relation.primaryKey;
  if (key.length === 0) throw fail(`no primary key: name the columns that identify a row in \`key\``);
  if (options.cursor === 'key' && key.length !== 1) throw fail('cursor: key needs a one-column key');
  for (const column of key) {
    if (!columns[column]) throw fail(`key column ${column} does not exist`);
    if (!urlType(columns[column])) throw fail(`key column ${column}: not of a type a URL can name`);
    // A view's columns are all nullable to the catalog: its declared key is the declaration's promise.
    if (!readOnly && columns[column].nullable) throw fail(`key column ${column} is nullable`);
  }
  for (const column of [...(options.writable ?? []), ...(options.filterable ?? [])]) {
    if (!columns[column]) throw fail(`column ${column} does not exist`);
  }
  for (const column of options.writable ?? []) {
    if (columns[column]!.serverSet) throw fail(`column ${column} is set by the database (identity or generated): not writable`);
  }
  const typeName = options.name ?? pascal(name);
  const jsonColumns = Object.entries(columns)
    .filter(([, column]) => column.type === 'json' || column.type === 'jsonb')
    .map(([column]) => column);
  const writeColumns = Object.fromEntries(
    Object.entries(columns).map(([column, shape]) =>
      key.includes(column) && textual(shape)
        ? [column, { ...shape, maxLength: Math.min(shape.maxLength ?? maxTextKey, maxTextKey) }]
        : [column, shape],
    ),
  );
  return {
    declaration: { relation: name, options },
    relation,
    columns,
    writeColumns,
    key,
    operations,
    name: typeName,
    row: rowShapeOf(columns).openapi(typeName),
    sql: { name, key, jsonColumns },
  };
}

/** The key's values from a request's path params (validated by keyPath). */
const keyOf = (r: Resolved, params: Record<string, string>) => r.key.map((column) => params[column]!);

/** `/films`, `/books/by-id`: what one row's path starts with. */
const rowBase = (r: Resolved) => r.declaration.options.rowPath ?? r.declaration.options.path;

/** `/films/12`, `/film-actors/3/7`: where one row is. */
const rowPath = (r: Resolved, key: readonly string[]) => `${rowBase(r)}/${key.map(encodeURIComponent).join('/')}`;

/** `?limit=`: the same for every list. */
const limitParam = z
  .string()
  .regex(/^[0-9]+$/, 'must be a positive integer')
  .transform(Number)
  .refine((value) => value >= 1 && value <= pageLimits.max, `must be between 1 and ${pageLimits.max}`)
  .optional()
  .openapi({ type: 'integer', minimum: 1, maximum: pageLimits.max, default: pageLimits.default });

/**
 * A filter parameter's schema, made once per resource, column and kind and shared by the resource's lists and by
 * the four range operators: a zod schema holds 8–12 KB of the heap, and a list made six for each indexed column,
 * most of the server's live heap beyond Node's own (docs/performance.md, peak RSS).
 */
const filterParams = new WeakMap<Resolved, Map<string, z.ZodType>>();

function filterParam(r: Resolved, column: string, kind: 'eq' | 'in' | 'range', make: () => z.ZodType): z.ZodType {
  let byKey = filterParams.get(r);
  if (!byKey) filterParams.set(r, (byKey = new Map()));
  const key = `${column}\0${kind}`;
  let schema = byKey.get(key);
  if (!schema) byKey.set(key, (schema = make()));
  return schema;
}

/** The list's query: page, cursor, order, and each filter; `fixed`: columns the path names (no filter of their own). */
function listQuery(r: Resolved, fixed: readonly string[] = []) {
  const indexed = new Set(r.relation.indexes.map((columns) => columns[0]!));
  const filterable = new Set([...indexed, ...(r.declaration.options.filterable ?? [])].filter((column) => !fixed.includes(column)));
  const keyCursor = r.declaration.options.cursor === 'key';
  // Order by a NOT NULL column an index leads with (row comparison needs values; the index makes it cheap).
  const orderable = keyCursor
    ? []
    : [...indexed].filter((column) => r.columns[column] && urlType(r.columns[column]) && !r.columns[column].nullable);
  const shape: Record<string, z.ZodType> = {
    limit: limitParam,
    after: keyCursor
      ? keyParam(r.columns[r.key[0]!]!, `The last ${r.key[0]} of the previous page (keyset cursor).`).optional()
      : z.string().optional().openapi({ description: 'The cursor of the next page, as the previous page’s `Link: rel="next"` gives it.' }),
  };
  if (orderable.length > 0) {
    shape.order = z
      .enum(orderable.flatMap((column) => [column, `-${column}`]) as [string, ...string[]])
      .optional()
      .openapi({ description: `An indexed column to order by (\`-column\`: descending); default: the key (${r.key.join(', ')}).` });
  }
  for (const [name, column] of Object.entries(r.columns)) {
    if (!filterable.has(name) || !urlType(column)) continue;
    shape[name] = filterParam(r, name, 'eq', () => valueParam(column, `Rows whose ${name} equals this.`).optional());
    shape[`${name}.in`] = filterParam(r, name, 'in', () => listParam(column, maxInValues).optional());
    if (ordered(column)) {
      const bound = filterParam(r, name, 'range', () =>
        valueParam(column, `Rows whose ${name} is greater than (gt), at least (gte), less than (lt) or at most (lte) this.`).optional(),
      );
      for (const op of rangeOps) shape[`${name}.${op}`] = bound;
    }
  }
  const refuse = (query: Record<string, unknown>): FieldError[] =>
    Object.keys(query).flatMap((parameter) => {
      const column = parameter.split('.')[0]!;
      if (shape[parameter] || !r.columns[column] || filterable.has(column) || fixed.includes(column)) return [];
      return [
        {
          loc: ['query', parameter],
          msg: `${column} has no index: filtering on it would scan the whole table (add an index, or list it in the resource's filterable)`,
          type: 'not_indexed',
        },
      ];
    });
  return { schema: z.strictObject(shape), refuse };
}

/** The list request a validated query asks for. */
function listRequest(r: Resolved, query: Record<string, unknown>): sql.ListRequest {
  const filters: sql.Filter[] = [];
  for (const [parameter, value] of Object.entries(query)) {
    if (value === undefined || ['limit', 'after', 'order'].includes(parameter)) continue;
    const [column, op = 'eq'] = parameter.split('.') as [string, sql.FilterOp | undefined];
    filters.push({ column, op, value: value as string | string[] });
  }
  const orderBy = query.order as string | undefined;
  const descending = orderBy?.startsWith('-') ?? false;
  const first = orderBy?.replace(/^-/, '');
  const order = first ? [first, ...r.key.filter((column) => column !== first)] : [...r.key];
  const limit = (query.limit as number | undefined) ?? pageLimits.default;
  let after: string[] | undefined;
  if (query.after !== undefined && r.declaration.options.cursor === 'key') {
    after = [query.after as string];
  } else if (query.after !== undefined) {
    after = decodeCursor(query.after as string, order.length);
    const bad = !after || after.some((value, i) => !parseValue(r.columns[order[i]!]!, value).ok);
    if (bad)
      throw invalid([{ loc: ['query', 'after'], msg: 'not a cursor of this list (take it from the `Link` header)', type: 'cursor' }]);
  }
  return { filters, order, descending, after, limit };
}

/** A cursor is the last row's order values as a JSON array of text, base64url-encoded. */
const encodeCursor = (values: readonly string[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

function decodeCursor(cursor: string, length: number): string[] | undefined {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === length && values.every((value) => typeof value === 'string')) return values as string[];
  } catch {
    /* not a cursor */
  }
  return undefined;
}

/**
 * `Link` to the next page: the request's own query (filters, order, limit), with the last row's cursor; with
 * `cursor: 'key'`, `limit` and the last key at the end (`/authors?limit=50&after=53`, the guide's lists' form).
 */
function nextLink(r: Resolved, path: string, rawQuery: string, page: sql.RowsPage, limit: number): Record<string, string> {
  if (!page.last || page.count < limit) return {};
  const query = new URLSearchParams(rawQuery);
  if (r.declaration.options.cursor === 'key') {
    query.delete('limit');
    query.delete('after');
    query.set('limit', String(limit));
    query.set('after', page.last[0]!);
  } else {
    query.set('after', encodeCursor(page.last));
  }
  return { link: `<${path}?${query.toString()}>; rel="next"` };
}

/** A delete the database refused because rows of another table still refer to the row (a foreign key, 23503). */
function stillReferred(r: Resolved, key: readonly string[], error: unknown): HttpProblem | undefined {
  const { code, table, constraint } = (error ?? {}) as { code?: unknown; table?: unknown; constraint?: unknown };
  if (code !== '23503') return undefined;
  const by = typeof table === 'string' ? table : 'other rows';
  const named = typeof constraint === 'string' ? ` (foreign key ${constraint})` : '';
  return new HttpProblem(
    409,
    'Conflict',
    `${r.declaration.relation} ${key.join('/')} still has ${by}${named}: delete or change them first`,
  );
}

/** A write the database refused because a foreign key names no row: the fields that name it (as books' author_id). */
function foreignKeyProblem(r: Resolved, error: unknown): HttpProblem | undefined {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  if (code !== '23503') return undefined;
  const key = r.relation.foreignKeys.find((fk) => fk.name === constraint);
  const columns = key?.columns ?? [];
  return invalid(
    (columns.length > 0 ? columns : [undefined]).map((column) => ({
      loc: column === undefined ? ['body'] : ['body', column],
      msg: key ? `refers to no row of ${key.table}` : 'refers to a row that does not exist',
      type: 'foreign_key',
    })),
  );
}

/**
 * A parent's name in `with-…`: the foreign-key column less the column it
 * refers to (`language_code` → `language`), or less `_id` (`manager_id` →
 * `manager`); else the referenced table's name.
 */
function parentName(columns: readonly string[], references: readonly string[], table: string): string {
  const [column] = columns;
  if (columns.length !== 1 || !column) return table;
  const suffix = [`_${references[0]}`, '_id'].find((end) => column.endsWith(end) && column.length > end.length);
  return suffix ? column.slice(0, -suffix.length) : table;
}

interface Relation {
  embed: sql.Embed;
  /** The document's shape of what is embedded. */
  shape: z.ZodType;
}

/** The relations of `r` its foreign keys make with the other declared resources: its parents, and its children. */
function relationsOf(r: Resolved, all: Resolved[]): Relation[] {
  const found: Relation[] = [];
  for (const fk of r.relation.foreignKeys) {
    const parent = all.find((other) => other.declaration.relation === fk.table);
    if (!parent) continue;
    const name = parentName(fk.columns, fk.references, fk.table);
    found.push({
      embed: { name, kind: 'parent', table: fk.table, columns: fk.columns, references: fk.references, order: [], limit: 1 },
      // Inline: zod-to-openapi drops the null of a nullable reference.
      shape: rowShapeOf(parent.columns).nullable(),
    });
  }
  for (const child of all) {
    const keys = child.relation.foreignKeys.filter((fk) => fk.table === r.declaration.relation);
    for (const fk of keys) {
      const segment = segmentOf(child.declaration.options.path).replace(/-/g, '_');
      const name = keys.length === 1 ? segment : `${segment}_by_${fk.columns.join('_')}`;
      found.push({
        embed: {
          name,
          kind: 'children',
          table: child.declaration.relation,
          columns: fk.columns,
          references: fk.references,
          order: child.key,
          limit: maxChildren,
        },
        shape: z.array(child.row),
      });
    }
  }
  for (const { embed } of found) {
    if (r.columns[embed.name])
      throw new ResourceDeclarationError(r.declaration.relation, `relation ${embed.name} has the name of a column`);
  }
  return found;
}

/** A list route at `spec.path`: its `{column}` parameters filter the rows, the query does the rest. */
function listRoute(
  db: Queryable,
  r: Resolved,
  spec: { path: string; operationId: string; summary: string; description: string },
): AnyRoute {
  const fixed = paramsOf(spec.path);
  const { schema, refuse } = listQuery(r, fixed);
  return defineRoute({
    method: 'get',
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    description: spec.description.trim(),
    tags: [r.declaration.relation],
    ...(fixed.length > 0
      ? { params: z.strictObject(Object.fromEntries(fixed.map((column) => [column, keyParam(r.columns[column]!)]))) }
      : {}),
    query: schema,
    refuseQuery: refuse,
    responses: { 200: { description: r.declaration.relation, schema: z.array(r.row), headers: { Link: linkHeader } } },
    handle: async ({ params, query }, req) => {
      const request = listRequest(r, query as Record<string, unknown>);
      const values = (params ?? {}) as Record<string, string>;
      const filters = [...fixed.map((column) => ({ column, op: 'eq' as const, value: values[column]! })), ...request.filters];
      const page = await sql.listPage(db, r.sql, { ...request, filters });
      const at = req.originalUrl.indexOf('?');
      return {
        body: new RawJson(page.json),
        headers: nextLink(r, req.path, at < 0 ? '' : req.originalUrl.slice(at + 1), page, request.limit),
      };
    },
  });
}

function routesOf(db: Queryable, r: Resolved, all: Resolved[], catalog: Catalog): AnyRoute[] {
  const { constraints } = catalog;
  const { path, description } = r.declaration.options;
  const tags = [r.declaration.relation];
  const keyPath = z.strictObject(Object.fromEntries(r.key.map((column) => [column, keyParam(r.columns[column]!)])));
  const onePath = `${rowBase(r)}/${r.key.map((column) => `{${column}}`).join('/')}`;
  const missing = { description: `No ${r.declaration.relation} row with this key` };
  const what = (params: Record<string, string>) => `${r.declaration.relation} ${keyOf(r, params).join('/')}`;
  const routes: AnyRoute[] = [];
  const writable = r.declaration.options.writable;

  if (r.operations.has('list')) {
    routes.push(
      listRoute(db, r, {
        path,
        operationId: `list${r.declaration.options.plural ?? r.name}`,
        summary: `List ${r.declaration.relation}: filtered, ordered, paginated`,
        description:
          `${description ?? ''} A plain array; a full page carries \`Link: <…>; rel="next"\` to the next one. ` +
          'Filters: `column=v`, `column.gt|gte|lt|lte=v`, `column.in=a,b` on indexed columns (docs/resources.md).',
      }),
    );
    for (const list of r.declaration.options.lists ?? []) {
      routes.push(
        listRoute(db, r, {
          path: list.path,
          operationId: list.operationId,
          summary: list.summary ?? `List the ${r.declaration.relation} of ${paramsOf(list.path).join(', ')}`,
          description:
            `${list.description ?? ''} The ${r.declaration.relation} rows whose ${paramsOf(list.path).join(', ')} the path names ` +
            '(`[]` if none): a plain array, filtered and paginated as the list is.',
        }),
      );
    }
  }
  if (r.operations.has('create')) {
    const body = insertShapeOf(r.writeColumns, writable).openapi(`New${r.name}`);
    routes.push(
      defineRoute({
        method: 'post',
        path,
        operationId: `create${r.name}`,
        summary: `Create a row of ${r.declaration.relation}`,
        description: 'Returns the stored row; `Location` names it. A foreign key naming no row is a 422 at its field.',
        tags,
        body,
        responses: { 201: { description: 'Created', schema: r.row, headers: { Location: locationHeader } } },
        handle: async ({ body: row }) => {
          try {
            const created = await sql.insertRow(db, r.sql, row as Record<string, unknown>);
            return { status: 201, body: new RawJson(created.json), headers: { location: rowPath(r, created.key) } };
          } catch (error) {
            throw foreignKeyProblem(r, error) ?? constraintProblem(error, constraints) ?? error;
          }
        },
      }),
    );
  }
  if (r.operations.has('get')) {
    routes.push(
      defineRoute({
        method: 'get',
        path: onePath,
        operationId: `get${r.name}`,
        summary: `One row of ${r.declaration.relation}`,
        description: `The row with this key (${r.key.join(', ')}).`,
        tags,
        params: keyPath,
        query: noQuery,
        responses: { 200: { description: 'The row', schema: r.row }, 404: missing },
        handle: async ({ params }) => {
          const json = await sql.getRow(db, r.sql, keyOf(r, params as Record<string, string>));
          if (json === undefined) throw notFound(what(params as Record<string, string>));
          return { body: new RawJson(json) };
        },
      }),
    );
    for (const { embed, shape } of relationsOf(r, all)) {
      const embedPath = embed.name.replace(/_/g, '-');
      routes.push(
        defineRoute({
          method: 'get',
          path: `${onePath}/with-${embedPath}`,
          operationId: `get${r.name}With${pascal(embed.name)}`,
          summary: `One row of ${r.declaration.relation} with its ${embed.name} (one SQL query)`,
          description:
            embed.kind === 'parent'
              ? `The row, and under \`${embed.name}\` the ${embed.table} row its ${embed.columns.join(', ')} names (null if none).`
              : `The row, and under \`${embed.name}\` the ${embed.table} rows whose ${embed.columns.join(', ')} name it, ` +
                `in key order, at most ${maxChildren}.`,
          tags,
          params: keyPath,
          query: noQuery,
          responses: {
            200: {
              description: `The row with its ${embed.name}`,
              schema: r.row.extend({ [embed.name]: shape }).openapi(`${r.name}With${pascal(embed.name)}`),
            },
            404: missing,
          },
          handle: async ({ params }) => {
            const json = await sql.getRow(db, r.sql, keyOf(r, params as Record<string, string>), embed);
            if (json === undefined) throw notFound(what(params as Record<string, string>));
            return { body: new RawJson(json) };
          },
        }),
      );
    }
  }
  if (r.operations.has('patch')) {
    const body = updateShapeOf(r.writeColumns, writable).openapi(`${r.name}Changes`, { minProperties: 1 });
    routes.push(
      defineRoute({
        method: 'patch',
        path: onePath,
        operationId: `update${r.name}`,
        summary: `Change some fields of a row of ${r.declaration.relation}`,
        description: 'Fields left out keep their values.',
        tags,
        params: keyPath,
        body,
        responses: { 200: { description: 'The changed row', schema: r.row }, 404: missing },
        handle: async ({ params, body: changes }) => {
          try {
            const changed = await sql.updateRow(db, r.sql, keyOf(r, params as Record<string, string>), changes as Record<string, unknown>);
            if (!changed) throw notFound(what(params as Record<string, string>));
            return { body: new RawJson(changed.json) };
          } catch (error) {
            throw foreignKeyProblem(r, error) ?? constraintProblem(error, constraints) ?? error;
          }
        },
      }),
    );
  }
  if (r.operations.has('delete')) {
    const referrers = Object.entries(catalog.relations)
      .filter(([, other]) => other.foreignKeys.some((fk) => fk.table === r.declaration.relation))
      .map(([name]) => name);
    const conflict: Record<number, { description: string }> =
      referrers.length > 0
        ? { 409: { description: `Rows of ${referrers.join(', ')} still refer to it (a foreign key without CASCADE)` } }
        : {};
    routes.push(
      defineRoute({
        method: 'delete',
        path: onePath,
        operationId: `delete${r.name}`,
        summary: `Delete a row of ${r.declaration.relation}`,
        description: 'A row other rows still refer to (a foreign key without ON DELETE CASCADE) is a 409.',
        tags,
        params: keyPath,
        responses: { 204: { description: 'Deleted' }, 404: missing, ...conflict },
        handle: async ({ params }) => {
          let deleted: boolean;
          const key = keyOf(r, params as Record<string, string>);
          try {
            deleted = await sql.deleteRow(db, r.sql, key);
          } catch (error) {
            throw stillReferred(r, key, error) ?? constraintProblem(error, constraints) ?? error;
          }
          if (!deleted) throw notFound(what(params as Record<string, string>));
          return { status: 204 };
        },
      }),
    );
  }
  return routes;
}

/** A caller's name in API_TOKENS (`ops:<secret>`), as config/env.ts reads it. */
const callerName = /^[a-z][a-z0-9_-]{0,31}$/;

/** Every caller a declaration's `access` names has a token (`API_TOKENS=name:<secret>`), else the server does not start. */
export function checkCallers(declarations: readonly Declaration[], known: ReadonlySet<string>): void {
  for (const { relation, options } of declarations) {
    for (const [kind, callers] of Object.entries(options.access ?? {})) {
      if (typeof callers === 'string') continue;
      const unknown = callers.filter((name) => !known.has(name));
      if (unknown.length > 0)
        throw new ResourceDeclarationError(
          relation,
          `access.${kind} names ${unknown.join(', ')}, which no token of API_TOKENS has (\`API_TOKENS=${unknown[0]}:<secret>,…\`)`,
        );
    }
  }
}

/** The routes of every declared resource, checked against the catalog first (a bad declaration stops the server). */
export function resourceRoutes(db: Queryable, declarations: readonly Declaration[], catalog: Catalog): AnyRoute[] {
  const resolved = declarations.map((declaration) => resolve(declaration, catalog));
  const paths = new Set<string>();
  for (const r of resolved) {
    if (paths.has(r.declaration.options.path))
      throw new ResourceDeclarationError(r.declaration.relation, `path ${r.declaration.options.path} is declared twice`);
    paths.add(r.declaration.options.path);
  }
  return resolved.flatMap((r) => {
    const { access } = r.declaration.options;
    const routes = routesOf(db, r, resolved, catalog);
    return access ? routes.map((route) => ({ ...route, access: { resource: r.declaration.relation, ...access } })) : routes;
  });
}
