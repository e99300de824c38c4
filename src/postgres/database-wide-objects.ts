import type pg from 'pg';

/**
 * Drops the user objects of a scratch database that live in no schema, so
 * DROP SCHEMA ... CASCADE leaves them behind: event triggers, publications,
 * foreign-data wrappers (with their servers and user mappings), casts,
 * transforms, procedural languages and access methods. A schema.sql that
 * declared one would otherwise leave it in the dev database for every later
 * command to find (and the catalog census, src/catalog/census.ts, to name).
 * Extensions' members are left to their extension, and what Postgres made
 * for another object (a range type's cast to its multirange) to that object.
 */
export async function dropDatabaseWideObjects(client: pg.ClientBase): Promise<void> {
  const own = (catalog: string, alias: string) =>
    `${alias}.oid >= 16384 AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${catalog}'::regclass AND e.objid = ${alias}.oid AND e.deptype IN ('e', 'i'))`;
  const { rows } = await client.query<{ statement: string }>(
    `SELECT format('DROP EVENT TRIGGER %I', x.evtname) AS statement FROM pg_event_trigger x WHERE ${own('pg_event_trigger', 'x')}
     UNION ALL SELECT format('DROP PUBLICATION %I', x.pubname) FROM pg_publication x WHERE ${own('pg_publication', 'x')}
     UNION ALL SELECT format('DROP FOREIGN DATA WRAPPER %I CASCADE', x.fdwname) FROM pg_foreign_data_wrapper x WHERE ${own('pg_foreign_data_wrapper', 'x')}
     UNION ALL SELECT format('DROP CAST IF EXISTS (%s AS %s) CASCADE', x.castsource::regtype, x.casttarget::regtype) FROM pg_cast x WHERE ${own('pg_cast', 'x')}
     UNION ALL SELECT format('DROP TRANSFORM IF EXISTS FOR %s LANGUAGE %I CASCADE', x.trftype::regtype, l.lanname)
                 FROM pg_transform x JOIN pg_language l ON l.oid = x.trflang WHERE ${own('pg_transform', 'x')}
     UNION ALL SELECT format('DROP LANGUAGE IF EXISTS %I CASCADE', x.lanname) FROM pg_language x WHERE ${own('pg_language', 'x')}
     UNION ALL SELECT format('DROP ACCESS METHOD IF EXISTS %I CASCADE', x.amname) FROM pg_am x WHERE ${own('pg_am', 'x')}`,
  );
  for (const { statement } of rows) await client.query(statement);
}
