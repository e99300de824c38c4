import type { CatalogObject, ObjectKind } from './object.ts';
import { materializedViewDefinition } from './populated.ts';

/**
 * The catalog queries of read.ts, one per kind of object, each with how its
 * rows become objects. Every query takes $1: the schemas left out. Run with
 * an empty search_path, so `oid::regclass::text` and the pg_get_*def texts
 * are schema-qualified and quoted as SQL needs.
 */
type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- catalog rows and JSON documents are read as plain JSON
interface Query {
  sql: string;
  objects(row: Row): CatalogObject[];
}

/** The schemas in scope: not Postgres' own, not left out, not an extension's. */
const inScope = `
  WITH ns AS (
    SELECT n.oid, n.nspname FROM pg_namespace n
     WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND n.nspname <> ALL ($1::text[])
       AND NOT EXISTS (SELECT 1 FROM pg_depend d
                        WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e'))`;

/** `alias` (of catalog `catalog`) is not part of an extension. */
const ownObject = (catalog: string, alias: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${catalog}'::regclass AND e.objid = ${alias}.oid AND e.deptype = 'e')`;

/**
 * The columns (`table.column`) an object reads, from pg_depend's column-level
 * entries (refobjsubid > 0: a view's rewrite rule, a trigger's WHEN and
 * `UPDATE OF` columns, a policy's expressions), plus `table.*` where it uses
 * a table's row type (a whole-row value, which Postgres ties to every
 * column). Postgres refuses ALTER COLUMN TYPE and DROP COLUMN only for
 * columns read this way, so only these objects need dropping around such a
 * change (plan.ts).
 */
const readsColumns = (catalog: string, objid: string, extra = '') => `
  (SELECT coalesce(array_agg(DISTINCT read ORDER BY read), '{}') FROM (
     SELECT d.refobjid::regclass::text || '.' || quote_ident(a.attname) AS read
       FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE d.classid = '${catalog}'::regclass AND d.objid IN (${objid}) AND d.refclassid = 'pg_class'::regclass
        AND d.refobjsubid > 0
     UNION
     SELECT rt.oid::regclass::text || '.*'
       FROM pg_depend d JOIN pg_class rt ON rt.reltype = d.refobjid AND rt.relkind IN ('r', 'p', 'f')
      WHERE ((d.classid = '${catalog}'::regclass AND d.objid IN (${objid}))${extra ? ` OR ${extra}` : ''})
        AND d.refclassid = 'pg_type'::regclass
   ) reads)`;

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
const lines = (...parts: (string | false | null | undefined)[]) => parts.filter(Boolean).join('\n');
const one = (kind: ObjectKind, name: string, definition: string, dependsOn?: string[]): CatalogObject[] => [
  { kind, name, definition, ...(dependsOn?.length ? { dependsOn } : {}) },
];

/** Marks objects Postgres cloned from a parent table or index (see CatalogObject.inherited). */
const inheritedIf = (inherited: boolean, objects: CatalogObject[]): CatalogObject[] =>
  inherited ? objects.map((object) => ({ ...object, inherited: true as const })) : objects;

const schemas: Query = {
  sql: `${inScope} SELECT quote_ident(nspname) AS name FROM ns`,
  objects: (row) => one('schema', row.name, `CREATE SCHEMA ${row.name};`),
};

const extensions: Query = {
  sql: `SELECT quote_ident(e.extname) AS name, e.extversion AS version, quote_ident(n.nspname) AS schema
          FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
         WHERE e.extname <> 'plpgsql'`,
  objects: (row) => one('extension', row.name, `CREATE EXTENSION ${row.name} WITH SCHEMA ${row.schema} VERSION ${literal(row.version)};`),
};

const types: Query = {
  sql: `${inScope}
    SELECT t.oid::regtype::text AS name, t.typtype AS type,
           (SELECT array_agg(quote_literal(e.enumlabel) ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) AS labels,
           format_type(t.typbasetype, t.typtypmod) AS base, t.typnotnull AS not_null, t.typdefault AS "default",
           (SELECT array_agg('CONSTRAINT ' || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid, true) ORDER BY c.conname)
              FROM pg_constraint c WHERE c.contypid = t.oid) AS checks,
           (SELECT quote_ident(co.collname) FROM pg_collation co, pg_type b
             WHERE co.oid = t.typcollation AND b.oid = t.typbasetype AND t.typcollation <> b.typcollation) AS collation,
           (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
              FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) AS attributes,
           (SELECT format_type(r.rngsubtype, NULL) FROM pg_range r WHERE r.rngtypid = t.oid) AS subtype,
           (SELECT array_agg(DISTINCT d.refobjid::regtype::text) FROM pg_depend d
             WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.refclassid = 'pg_type'::regclass
               AND d.refobjid >= 16384) AS uses_types
      FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
     WHERE (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'))
       AND ${ownObject('pg_type', 't')}`,
  objects: (row) => {
    switch (row.type) {
      case 'e':
        return one('enum', row.name, `CREATE TYPE ${row.name} AS ENUM (${(row.labels ?? []).join(', ')});`);
      case 'd':
        return one(
          'domain',
          row.name,
          `CREATE DOMAIN ${row.name} AS ${row.base}${row.collation ? ` COLLATE ${row.collation}` : ''}` +
            `${row.default !== null ? ` DEFAULT ${row.default}` : ''}${row.not_null ? ' NOT NULL' : ''}` +
            `${(row.checks ?? []).map((check: string) => ` ${check}`).join('')};`,
          row.uses_types,
        );
      case 'c':
        return one('composite type', row.name, `CREATE TYPE ${row.name} AS (${row.attributes ?? ''});`, row.uses_types);
      default:
        return one('range type', row.name, `CREATE TYPE ${row.name} AS RANGE (SUBTYPE = ${row.subtype});`);
    }
  },
};

const sequences: Query = {
  sql: `${inScope}
    SELECT c.oid::regclass::text AS name, format_type(s.seqtypid, NULL) AS type, s.seqstart AS start, s.seqincrement AS increment,
           s.seqmin AS min, s.seqmax AS max, s.seqcache AS cache, s.seqcycle AS cycle,
           (SELECT a.attrelid::regclass::text || '.' || quote_ident(a.attname)
              FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
             WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a') AS owned_by
      FROM pg_class c JOIN ns ON ns.oid = c.relnamespace JOIN pg_sequence s ON s.seqrelid = c.oid
     WHERE c.relkind = 'S' AND ${ownObject('pg_class', 'c')}
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'i')`,
  objects: (row) =>
    one(
      'sequence',
      row.name,
      `CREATE SEQUENCE ${row.name} AS ${row.type} INCREMENT BY ${row.increment} MINVALUE ${row.min} MAXVALUE ${row.max} ` +
        `START WITH ${row.start} CACHE ${row.cache}${row.cycle ? ' CYCLE' : ' NO CYCLE'}` +
        `${row.owned_by ? ` OWNED BY ${row.owned_by}` : ''};`,
    ),
};

const routines: Query = {
  sql: `${inScope}
    SELECT p.oid::regprocedure::text AS name, p.prokind AS kind, pg_get_functiondef(p.oid) AS definition,
           (SELECT array_agg(DISTINCT d.refobjid::regtype::text) FROM pg_depend d
             WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.refclassid = 'pg_type'::regclass
               AND d.refobjid >= 16384) AS uses_types,
           -- An SQL-standard body (BEGIN ATOMIC … END, RETURN …) is parsed when the function is created: Postgres
           -- records the tables and functions it reads, and they must exist first (issue 19). Other bodies record none.
           (SELECT array_agg(DISTINCT CASE WHEN d.refclassid = 'pg_class'::regclass THEN d.refobjid::regclass::text
                                           ELSE d.refobjid::regprocedure::text END) FROM pg_depend d
             WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'n' AND p.prosqlbody IS NOT NULL
               AND d.refobjid >= 16384 AND d.refobjid <> p.oid
               AND d.refclassid IN ('pg_class'::regclass, 'pg_proc'::regclass)) AS body_uses,
           CASE WHEN p.prosqlbody IS NOT NULL THEN ${readsColumns('pg_proc', 'p.oid')} END AS reads_columns
      FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
     WHERE p.prokind IN ('f', 'p', 'w') AND ${ownObject('pg_proc', 'p')}
       -- not the constructors Postgres makes for a range type (they come and go with it)
       AND NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.classid = 'pg_proc'::regclass AND i.objid = p.oid AND i.deptype = 'i')`,
  objects: (row) => {
    const [routine] = one(row.kind === 'p' ? 'procedure' : 'function', row.name, `${row.definition.trim()};`, [
      ...new Set([...(row.uses_types ?? []), ...(row.body_uses ?? [])]),
    ]);
    // An SQL-standard body holds its columns as a view does: Postgres refuses to alter or drop them under it (plan.ts).
    return [{ ...routine!, ...(row.reads_columns ? { readsColumns: row.reads_columns } : {}) }];
  },
};

const aggregates: Query = {
  sql: `${inScope}
    SELECT p.oid::regprocedure::text AS name, a.aggtransfn::regproc::text AS sfunc, format_type(a.aggtranstype, NULL) AS stype,
           nullif(a.aggfinalfn, 0)::regproc::text AS finalfunc, a.aggfinalextra AS finalextra,
           nullif(a.aggcombinefn, 0)::regproc::text AS combinefunc, a.agginitval AS initcond,
           nullif(a.aggsortop, 0)::regoperator::text AS sortop, a.aggkind AS kind,
           a.aggtransfn::regprocedure::text AS sfunc_signature
      FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace JOIN pg_aggregate a ON a.aggfnoid = p.oid
     WHERE ${ownObject('pg_proc', 'p')}`,
  objects: (row) => {
    const options = [
      `SFUNC = ${row.sfunc}`,
      `STYPE = ${row.stype}`,
      row.finalfunc && `FINALFUNC = ${row.finalfunc}`,
      row.finalextra && 'FINALFUNC_EXTRA',
      row.combinefunc && `COMBINEFUNC = ${row.combinefunc}`,
      row.initcond !== null && `INITCOND = ${literal(row.initcond)}`,
      row.sortop && `SORTOP = ${row.sortop.replace(/\(.*$/, '')}`,
      row.kind !== 'n' && `/* aggregate kind ${row.kind} */`,
    ].filter(Boolean);
    return one('aggregate', row.name, `CREATE AGGREGATE ${row.name} (${options.join(', ')});`, [row.sfunc_signature]);
  },
};

const relations: Query = {
  sql: `${inScope}
    SELECT c.oid::regclass::text AS name, c.relkind AS kind, c.relpersistence AS persistence, c.relispopulated AS populated,
           c.relrowsecurity AS rls, c.relforcerowsecurity AS force_rls,
           c.relispartition AS partition, pg_get_expr(c.relpartbound, c.oid) AS bound,
           CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
           (SELECT string_agg(i.inhparent::regclass::text, ', ' ORDER BY i.inhseqno) FROM pg_inherits i WHERE i.inhrelid = c.oid) AS parents,
           array_to_string(c.reloptions, ', ') AS options,
           CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS query,
           CASE WHEN c.relkind IN ('v', 'm') THEN
             (SELECT array_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum)
                FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) END AS view_columns,
           (SELECT array_agg(DISTINCT d.refobjid::regclass::text) FROM pg_rewrite r
              JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                              AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> c.oid
             WHERE r.ev_class = c.oid) AS uses_relations,
           (SELECT array_agg(DISTINCT d.refobjid::regprocedure::text) FROM pg_rewrite r
              JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_proc'::regclass
             WHERE r.ev_class = c.oid AND d.refobjid >= 16384) AS uses_functions,
           CASE WHEN c.relkind IN ('v', 'm') THEN
             ${readsColumns('pg_rewrite', 'SELECT r.oid FROM pg_rewrite r WHERE r.ev_class = c.oid', `(d.classid = 'pg_class'::regclass AND d.objid = c.oid)`)} END AS reads_columns
      FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${ownObject('pg_class', 'c')}`,
  objects: (row) => {
    const withOptions = row.options ? ` WITH (${row.options})` : '';
    if (row.kind === 'v' || row.kind === 'm') {
      const kind = row.kind === 'v' ? 'view' : 'materialized view';
      const uses = [...(row.uses_relations ?? []), ...(row.uses_functions ?? [])];
      const create = `CREATE ${kind.toUpperCase()} ${row.name}${withOptions} AS\n${row.query.trimEnd()}`;
      const definition = row.kind === 'm' ? materializedViewDefinition(create, row.populated) : create;
      const [view] = one(kind, row.name, definition, uses);
      return [{ ...view!, columns: row.view_columns ?? [], readsColumns: row.reads_columns ?? [] }];
    }
    const create = row.partition
      ? `CREATE TABLE ${row.name} PARTITION OF ${row.parents} ${row.bound}`
      : `CREATE ${row.kind === 'f' ? 'FOREIGN ' : row.persistence === 'u' ? 'UNLOGGED ' : ''}TABLE ${row.name} (…)` +
        `${row.parents ? ` INHERITS (${row.parents})` : ''}${row.partition_key ? ` PARTITION BY ${row.partition_key}` : ''}`;
    return one(
      'table',
      row.name,
      lines(
        `${create}${withOptions};`,
        row.rls && `ALTER TABLE ${row.name} ENABLE ROW LEVEL SECURITY;`,
        row.force_rls && `ALTER TABLE ${row.name} FORCE ROW LEVEL SECURITY;`,
      ),
      row.parents ? row.parents.split(', ') : undefined,
    );
  },
};

const columns: Query = {
  sql: `${inScope}
    SELECT c.oid::regclass::text AS rel, quote_ident(a.attname) AS name, format_type(a.atttypid, a.atttypmod) AS type,
           a.attnotnull AS not_null, a.attidentity AS identity, a.attgenerated AS generated,
           pg_get_expr(ad.adbin, ad.adrelid) AS expr,
           CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN quote_ident(co.collname) END AS collation,
           (SELECT format('START WITH %s INCREMENT BY %s', s.seqstart, s.seqincrement)
              FROM pg_depend d JOIN pg_sequence s ON s.seqrelid = d.objid
             WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass -- refclassid: pg_depend's index
               AND d.refobjid = c.oid AND d.refobjsubid = a.attnum AND d.deptype = 'i') AS identity_options,
           CASE WHEN t.oid >= 16384 THEN a.atttypid::regtype::text END AS user_type,
           NOT a.attislocal AS inherited
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN ns ON ns.oid = c.relnamespace
      JOIN pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
      LEFT JOIN pg_collation co ON co.oid = a.attcollation
     WHERE c.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped AND ${ownObject('pg_class', 'c')}`,
  objects: (row) => {
    const identity = { a: 'GENERATED ALWAYS AS IDENTITY', d: 'GENERATED BY DEFAULT AS IDENTITY' }[row.identity as string];
    const definition = [
      `${row.name} ${row.type}`,
      row.collation && `COLLATE ${row.collation}`,
      row.generated === 's' ? `GENERATED ALWAYS AS (${row.expr}) STORED` : row.expr !== null && `DEFAULT ${row.expr}`,
      identity && `${identity} (${row.identity_options})`,
      row.not_null && 'NOT NULL',
    ]
      .filter(Boolean)
      .join(' ');
    const [column] = one(
      'column',
      `${row.rel}.${row.name}`,
      `ALTER TABLE ${row.rel} ADD COLUMN ${definition};`,
      [row.rel, row.user_type].filter(Boolean),
    );
    const parts = {
      table: row.rel,
      name: row.name,
      type: row.type,
      default: row.generated === 's' ? null : row.expr,
      notNull: row.not_null,
      fixed: [row.collation, row.generated === 's' && row.expr, identity && `${identity} (${row.identity_options})`]
        .filter(Boolean)
        .join(' '),
    };
    return inheritedIf(row.inherited, [{ ...column!, column: parts }]);
  },
};

const constraints: Query = {
  sql: `${inScope}
    SELECT con.conrelid::regclass::text AS rel, quote_ident(con.conname) AS name, pg_get_constraintdef(con.oid, true) AS definition,
           CASE WHEN con.contype = 'f' THEN con.confrelid::regclass::text END AS references,
           (con.conparentid <> 0 OR NOT con.conislocal) AS inherited
      FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN ns ON ns.oid = c.relnamespace
     WHERE con.contype IN ('c', 'f', 'p', 'u', 'x', 't') AND ${ownObject('pg_class', 'c')}`,
  objects: (row) =>
    inheritedIf(
      row.inherited,
      one('constraint', `${row.rel}.${row.name}`, `ALTER TABLE ${row.rel} ADD CONSTRAINT ${row.name} ${row.definition};`, [
        row.rel,
        ...(row.references ? [row.references] : []),
      ]),
    ),
};

const indexes: Query = {
  sql: `${inScope}
    SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition, i.indisvalid AS valid,
           i.indrelid::regclass::text AS rel,
           EXISTS (SELECT 1 FROM pg_inherits inh WHERE inh.inhrelid = i.indexrelid) AS inherited
      FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN ns ON ns.oid = ic.relnamespace
     WHERE ${ownObject('pg_class', 'ic')}
       AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x')
                          AND con.conrelid = i.indrelid)`,
  objects: (row) =>
    inheritedIf(
      row.inherited,
      one('index', row.name, `${row.definition};${row.valid ? '' : ' -- INVALID (a failed CREATE INDEX CONCURRENTLY)'}`, [row.rel]),
    ),
};

const triggers: Query = {
  sql: `${inScope}
    SELECT t.tgrelid::regclass::text AS rel, quote_ident(t.tgname) AS name, pg_get_triggerdef(t.oid, true) AS definition,
           t.tgenabled AS enabled, t.tgfoid::regprocedure::text AS function,
           ${readsColumns('pg_trigger', 't.oid')} AS reads_columns,
           (SELECT array_agg(t.tgrelid::regclass::text || '.' || quote_ident(a.attname))
              FROM pg_attribute a WHERE a.attrelid = t.tgrelid AND a.attnum = ANY (t.tgattr)) AS update_of
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN ns ON ns.oid = c.relnamespace
     WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND ${ownObject('pg_class', 'c')}`,
  objects: (row) => {
    const state = { D: 'DISABLE', R: 'ENABLE REPLICA', A: 'ENABLE ALWAYS' }[row.enabled as string];
    const [trigger] = one(
      'trigger',
      `${row.rel}.${row.name}`,
      lines(`${row.definition};`, state && `ALTER TABLE ${row.rel} ${state} TRIGGER ${row.name};`),
      [row.rel, row.function],
    );
    return [{ ...trigger!, readsColumns: [...new Set([...row.reads_columns, ...(row.update_of ?? [])])].sort() }];
  },
};

const policies: Query = {
  sql: `${inScope}
    SELECT pol.polrelid::regclass::text AS rel, quote_ident(pol.polname) AS name, pol.polpermissive AS permissive, pol.polcmd AS command,
           CASE WHEN pol.polroles = '{0}' THEN 'PUBLIC'
                ELSE (SELECT string_agg(quote_ident(r.rolname), ', ' ORDER BY r.rolname) FROM pg_roles r WHERE r.oid = ANY (pol.polroles)) END AS roles,
           pg_get_expr(pol.polqual, pol.polrelid, true) AS using, pg_get_expr(pol.polwithcheck, pol.polrelid, true) AS check,
           ${readsColumns('pg_policy', 'pol.oid')} AS reads_columns
      FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid JOIN ns ON ns.oid = c.relnamespace`,
  objects: (row) => {
    const command = { '*': 'ALL', r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE' }[row.command as string];
    const [policy] = one(
      'policy',
      `${row.rel}.${row.name}`,
      `CREATE POLICY ${row.name} ON ${row.rel} AS ${row.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'} FOR ${command} TO ${row.roles}` +
        `${row.using ? ` USING (${row.using})` : ''}${row.check ? ` WITH CHECK (${row.check})` : ''};`,
      [row.rel],
    );
    return [{ ...policy!, readsColumns: row.reads_columns }];
  },
};

/** COMMENT ON, for what carries a comment: schemas, relations and their columns, routines, types. */
const comments: Query = {
  sql: `${inScope}
    SELECT 'SCHEMA ' || quote_ident(ns.nspname) AS target, d.description
      FROM pg_description d JOIN ns ON d.classoid = 'pg_namespace'::regclass AND d.objoid = ns.oid
     WHERE NOT (ns.nspname = 'public' AND d.description = 'standard public schema') -- initdb's, gone when public is made anew
    UNION ALL
    SELECT CASE WHEN d.objsubid > 0 THEN 'COLUMN ' || c.oid::regclass::text || '.' || quote_ident(a.attname)
                ELSE CASE c.relkind WHEN 'v' THEN 'VIEW ' WHEN 'm' THEN 'MATERIALIZED VIEW ' WHEN 'i' THEN 'INDEX '
                                    WHEN 'I' THEN 'INDEX ' WHEN 'S' THEN 'SEQUENCE ' WHEN 'f' THEN 'FOREIGN TABLE ' ELSE 'TABLE ' END
                     || c.oid::regclass::text END, d.description
      FROM pg_description d JOIN pg_class c ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid
      JOIN ns ON ns.oid = c.relnamespace
      LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid
     WHERE ${ownObject('pg_class', 'c')}
    UNION ALL
    SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' WHEN 'a' THEN 'AGGREGATE ' ELSE 'FUNCTION ' END || p.oid::regprocedure::text, d.description
      FROM pg_description d JOIN pg_proc p ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid
      JOIN ns ON ns.oid = p.pronamespace
     WHERE ${ownObject('pg_proc', 'p')}
    UNION ALL
    SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN ' ELSE 'TYPE ' END || t.oid::regtype::text, d.description
      FROM pg_description d JOIN pg_type t ON d.classoid = 'pg_type'::regclass AND d.objoid = t.oid
      JOIN ns ON ns.oid = t.typnamespace
     WHERE ${ownObject('pg_type', 't')}`,
  objects: (row) => one('comment', row.target, `COMMENT ON ${row.target} IS ${literal(row.description)};`),
};

export const queries: Query[] = [
  schemas,
  extensions,
  types,
  sequences,
  routines,
  aggregates,
  relations,
  columns,
  constraints,
  indexes,
  triggers,
  policies,
  comments,
];
