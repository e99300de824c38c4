import { atlasOrThrow } from '../atlas/run.ts';
import { atlasUrl } from '../atlas/flags.ts';
import type { Catalog, CatalogObject } from './object.ts';
import { readCatalog } from './read.ts';
import { creationOrder, withDependents } from './dependencies.ts';
import { correctAtlasSql } from './atlas-sql.ts';

/**
 * schema.sql for a database that exists already (db:adopt): Atlas writes
 * what it inspects (tables, columns, keys, checks, indexes, enums), and the
 * catalog (src/catalog) adds every other object in its own CREATE text, in
 * an order that runs: what tables need (extensions, types, domains,
 * functions) before, what needs tables (partitions; views, and functions
 * that return or take a table's row, in dependency order; triggers,
 * policies, row-level security, comments) after.
 */
export async function declareSchema(liveUrl: string, excludeTables: string[] = []): Promise<string> {
  const catalog = await readCatalog(liveUrl, { excludeTables, uncompared: { source: 'the database to adopt' } });
  const needsRelations = withDependents(objectsOf(catalog, 'table', 'view', 'materialized view').map(keyOf), catalog);
  const partitions = objectsOf(catalog, 'table').filter((table) => / PARTITION OF /.test(table.definition));
  const exclude = [...excludeTables, ...partitions.map((table) => table.name.replace(/^public\./, ''))].flatMap((name) => [
    '--exclude',
    name,
  ]);
  const inspected = await atlasOrThrow(['schema', 'inspect', '-u', atlasUrl(liveUrl), '--format', '{{ sql . "  " }}', ...exclude], {
    echo: false,
  });

  const before = [
    ...objectsOf(catalog, 'schema').filter((schema) => schema.name !== 'public'),
    ...objectsOf(catalog, 'extension').map((extension) => ({
      ...extension,
      definition: extension.definition.replace(/^CREATE EXTENSION /, 'CREATE EXTENSION IF NOT EXISTS ').replace(/ VERSION '[^']*';$/, ';'),
    })),
    ...objectsOf(catalog, 'domain', 'composite type', 'range type', 'function', 'procedure', 'aggregate').filter(
      (object) => !needsRelations.has(keyOf(object)),
    ),
    ...objectsOf(catalog, 'sequence').filter((sequence) => !/ OWNED BY /.test(sequence.definition)), // serial columns make their own
  ];
  // Views, and what needs a table's or a view's row type (a function that RETURNS SETOF a table or takes its row),
  // each after what it needs.
  const views = creationOrder(
    [...catalog.keys()].filter((key) => {
      const kind = catalog.get(key)!.kind;
      return kind === 'view' || kind === 'materialized view' || (needsRelations.has(key) && typeLike.has(kind));
    }),
    catalog,
  ).map((key) => catalog.get(key)!);
  const matviews = new Set(objectsOf(catalog, 'materialized view').map((view) => view.name));
  const after = [
    ...partitions.map((table) => ({ ...table, definition: table.definition.split('\n')[0]! })),
    ...views,
    ...objectsOf(catalog, 'index').filter((index) => matviews.has(index.dependsOn?.[0] ?? '')),
    ...objectsOf(catalog, 'trigger'),
    ...objectsOf(catalog, 'policy'),
    ...objectsOf(catalog, 'table').flatMap(
      (table) =>
        table.definition
          .split('\n')
          .slice(1)
          .map((line) => ({ ...table, definition: line })), // ENABLE/FORCE ROW LEVEL SECURITY
    ),
    ...objectsOf(catalog, 'comment'),
  ];
  return [
    '-- Declared from an existing database by `npm run db:adopt`; from now on, edit this file and run',
    '-- `npm run db:diff -- <name>` (see docs/schema-loop.md).',
    'SET check_function_bodies = false; -- function bodies may name tables created further down',
    '',
    ...before.map((object) => object.definition),
    '',
    correctAtlasSql(inspected.stdout.trim(), catalog), // corrected where a later correction cannot be (atlas-sql.ts)
    '',
    ...after.map((object) => object.definition),
    '',
  ].join('\n');
}

function objectsOf(catalog: Catalog, ...kinds: CatalogObject['kind'][]): CatalogObject[] {
  return [...catalog.values()].filter((object) => kinds.includes(object.kind)).sort((a, b) => a.name.localeCompare(b.name));
}

const keyOf = (object: CatalogObject) => `${object.kind} ${object.name}`;

/** Kinds written before the tables unless they need one. */
const typeLike = new Set<CatalogObject['kind']>(['domain', 'composite type', 'range type', 'function', 'procedure', 'aggregate']);
