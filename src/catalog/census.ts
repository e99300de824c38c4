import type pg from 'pg';

/**
 * The catalog census: every user object (and every non-default setting) a
 * database holds that src/catalog/queries.ts does NOT read, so that no
 * comparison built on that reader can say "equal" while one of them
 * differs. An operator in schema.sql that no migration creates would
 * otherwise pass db:check, live drift and db:adopt in silence (issue 19,
 * B9). Callers fail closed on any result (see uncompared.ts).
 *
 * "User object": its oid is past initdb's (>= 16384), it is not a member of
 * an extension (pg_depend deptype 'e'; the extension itself is compared)
 * nor made by Postgres for another object (deptype 'i', e.g. a range
 * type's multirange, a type's array type), and it is not in a schema left
 * out (Postgres' own, information_schema, Atlas's revisions schema).
 * Objects are named by pg_identify_object: its kind label ("operator",
 * "rule", "text search configuration", ...) and its qualified identity.
 */
export interface UncomparedObject {
  /** pg_identify_object's type, e.g. "operator", "operator class", "rule", or a setting ("column storage"). */
  kind: string;
  /** Qualified, e.g. "public.~<<(text,text)", "r on public.t". */
  name: string;
}

/** (catalog, objid) of every object of each kind the reader has no query for. */
const candidates = `
  SELECT 'pg_operator'::regclass AS classid, oid AS objid FROM pg_operator
  UNION ALL SELECT 'pg_opclass'::regclass, oid FROM pg_opclass
  UNION ALL SELECT 'pg_opfamily'::regclass, f.oid FROM pg_opfamily f
   -- CREATE OPERATOR CLASS without FAMILY makes a family of the same name: the class names it
   WHERE NOT EXISTS (SELECT 1 FROM pg_opclass c WHERE c.opcfamily = f.oid AND c.opcname = f.opfname AND c.opcnamespace = f.opfnamespace)
  UNION ALL SELECT 'pg_cast'::regclass, oid FROM pg_cast
  UNION ALL SELECT 'pg_collation'::regclass, oid FROM pg_collation
  UNION ALL SELECT 'pg_conversion'::regclass, oid FROM pg_conversion
  UNION ALL SELECT 'pg_ts_config'::regclass, oid FROM pg_ts_config
  UNION ALL SELECT 'pg_ts_dict'::regclass, oid FROM pg_ts_dict
  UNION ALL SELECT 'pg_ts_parser'::regclass, oid FROM pg_ts_parser
  UNION ALL SELECT 'pg_ts_template'::regclass, oid FROM pg_ts_template
  UNION ALL SELECT 'pg_statistic_ext'::regclass, oid FROM pg_statistic_ext
  UNION ALL SELECT 'pg_rewrite'::regclass, oid FROM pg_rewrite WHERE rulename <> '_RETURN'
  UNION ALL SELECT 'pg_event_trigger'::regclass, oid FROM pg_event_trigger
  UNION ALL SELECT 'pg_publication'::regclass, oid FROM pg_publication
  UNION ALL SELECT 'pg_subscription'::regclass, oid FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  UNION ALL SELECT 'pg_foreign_data_wrapper'::regclass, oid FROM pg_foreign_data_wrapper
  UNION ALL SELECT 'pg_foreign_server'::regclass, oid FROM pg_foreign_server
  UNION ALL SELECT 'pg_user_mapping'::regclass, umid FROM pg_user_mappings -- the view: the table is for superusers only
  UNION ALL SELECT 'pg_transform'::regclass, oid FROM pg_transform
  UNION ALL SELECT 'pg_am'::regclass, oid FROM pg_am
  UNION ALL SELECT 'pg_language'::regclass, oid FROM pg_language
  -- read as a table, but not its server and options
  UNION ALL SELECT 'pg_class'::regclass, oid FROM pg_class WHERE relkind = 'f'
  -- base and shell types (CREATE TYPE with INPUT/OUTPUT, CREATE TYPE name): the reader reads enums, domains, composites, ranges
  UNION ALL SELECT 'pg_type'::regclass, oid FROM pg_type WHERE typtype IN ('b', 'p')`;

/**
 * Comments the reader does not read (on constraints, triggers, policies, operators, ...): on objects of
 * catalogs other than the four it reads comments for. Not an extension's own comment (from its control file).
 */
const comments = `
  SELECT d.classoid AS classid, d.objoid AS objid, d.objsubid
    FROM pg_description d
   WHERE d.objoid >= 16384
     AND d.classoid NOT IN ('pg_namespace'::regclass, 'pg_class'::regclass, 'pg_proc'::regclass, 'pg_type'::regclass,
                            'pg_extension'::regclass, 'pg_database'::regclass)`;

/** Settings of read objects that the reader's texts leave out, as (kind, relation, column). */
const settings = `
  SELECT 'replica identity ' || CASE c.relreplident WHEN 'f' THEN 'FULL' WHEN 'n' THEN 'NOTHING' ELSE 'USING INDEX' END AS kind,
         c.oid AS relid, NULL::name AS column_name
    FROM pg_class c WHERE c.relkind IN ('r', 'p') AND c.relreplident <> 'd'
  UNION ALL
  SELECT 'table access method ' || am.amname, c.oid, NULL
    FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.relkind IN ('r', 'm') AND am.amname <> 'heap'
  UNION ALL
  SELECT 'tablespace', c.oid, NULL FROM pg_class c WHERE c.relkind IN ('r', 'p', 'm', 'i', 'I') AND c.reltablespace <> 0
  UNION ALL
  SELECT 'CLUSTER ON index', i.indrelid, NULL FROM pg_index i WHERE i.indisclustered
  UNION ALL
  SELECT 'unlogged sequence', c.oid, NULL FROM pg_class c WHERE c.relkind = 'S' AND c.relpersistence = 'u'
  UNION ALL
  SELECT 'column ' || CASE WHEN coalesce(a.attstattarget, -1) <> -1 THEN 'SET STATISTICS'
                           WHEN a.attstorage <> t.typstorage THEN 'SET STORAGE'
                           WHEN a.attcompression <> '' THEN 'SET COMPRESSION'
                           ELSE 'SET (attribute options)' END,
         c.oid, a.attname
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
   WHERE c.relkind IN ('r', 'p', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped
     AND (coalesce(a.attstattarget, -1) <> -1 OR a.attstorage <> t.typstorage OR a.attcompression <> '' OR a.attoptions IS NOT NULL)`;

/**
 * Returns what the database at `client` holds that the reader does not
 * compare, sorted by kind and name. `excludeSchemas`: as readCatalog's.
 * `excludeTables`: tables of `public` left out (SCHEMA_EXCLUDE), with
 * what hangs on them.
 */
export async function uncomparedObjects(
  client: pg.ClientBase,
  excludeSchemas: string[],
  excludeTables: string[] = [],
): Promise<UncomparedObject[]> {
  const excludedRelations = excludeTables.map((table) => `public.${table}`);
  const { rows } = await client.query<{ kind: string; name: string; schema: string | null; relation: string | null }>(
    `WITH objects AS (
       SELECT o.classid::oid, o.objid, 0 AS objsubid, false AS comment FROM (${candidates}) o WHERE o.objid >= 16384
       UNION ALL SELECT c.classid::oid, c.objid, c.objsubid, true FROM (${comments}) c
     )
     SELECT CASE WHEN o.comment THEN 'comment on ' || i.type ELSE i.type END AS kind,
            i.identity AS name, i.schema, NULL AS relation
       FROM objects o, pg_identify_object(o.classid, o.objid, o.objsubid) i
      WHERE (i.schema IS NULL OR (i.schema !~ '^pg_' AND i.schema <> 'information_schema' AND i.schema <> ALL ($1::text[])))
        -- a comment on an extension's object, or on an object Postgres made for another: not the user's
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = o.classid AND d.objid = o.objid AND d.deptype IN ('e', 'i'))
     UNION ALL
     SELECT s.kind, s.relid::regclass::text || coalesce('.' || quote_ident(s.column_name), ''), n.nspname, s.relid::regclass::text
       FROM (${settings}) s JOIN pg_class c ON c.oid = s.relid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid >= 16384 AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND n.nspname <> ALL ($1::text[])
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
      ORDER BY 1, 2`,
    [excludeSchemas],
  );
  return rows
    .filter((row) => !excludedRelations.some((table) => row.relation === table || row.name === table || row.name.endsWith(` on ${table}`)))
    .map(({ kind, name }) => ({ kind, name }));
}
