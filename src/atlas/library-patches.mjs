// bookshelf's own changes to the Atlas library v0.13.1, applied by build.mjs
// to a verified copy of the module before the CLI is built against it.
// Each edit names the exact text it expects, once (or `count` times): if the
// library ever differs, the build stops instead of guessing.
//
// pg16: so that its Postgres driver opens Postgres 16 and 17.
// On connect, v0.13.1 reads four rows from pg_settings, among them
// `lc_collate` and `lc_ctype`. Postgres 16 removed both settings (they are
// per database now), so the query returns two rows and the driver refuses
// every connection: "postgres: unexpected number of rows: 2". The two values
// only fed realm-level collation/ctype attributes that nothing in a migration
// uses. Upstream made the same change in commit 83ad451a (PR #2094, first
// released in v0.14.1); the CLI at v0.14.1+ is not served by the Go module
// proxy here, so the pinned v0.13.1 CLI is built against this patched copy.
//
// fastinspect: Atlas's column inspection reads an identity column's last
// value with a subquery over the pg_sequences view, matched by name: every
// identity column scans every sequence of the database (and reads each one),
// so one inspection of a 500-table schema spends about 1.5 s there, and
// `migrate diff` inspects several times. The edit reads the column's own
// sequence directly, with the same value and the same privilege rule the
// view applies (NULL without SELECT or USAGE). Upstream still has the
// subquery; a user's own Atlas keeps it.

/** The label the patched build reports: `atlas version v0.13.1+pg16.fastinspect`. */
export const patchLabel = 'pg16.fastinspect';

export const edits = [
  {
    file: 'sql/postgres/inspect.go',
    why: 'ask pg_settings only for the server version (and CockroachDB marker)',
    from: `WHERE name IN ('lc_collate', 'lc_ctype', 'server_version_num', 'crdb_version')`,
    to: `WHERE name IN ('server_version_num', 'crdb_version')`,
  },
  {
    file: 'sql/postgres/driver.go',
    why: 'expect one row (Postgres) or two (CockroachDB)',
    from: 'if len(params) != 3 && len(params) != 4 {',
    to: 'if len(params) != 1 && len(params) != 2 {',
  },
  {
    file: 'sql/postgres/driver.go',
    why: 'the collation and ctype rows are gone',
    from: '\tc.ctype, c.collate = params[1], params[2]\n',
    to: '',
  },
  {
    file: 'sql/postgres/driver.go',
    why: 'CockroachDB is now the two-row answer',
    from: 'if c.crdb = len(params) == 4; c.crdb {',
    to: 'if c.crdb = len(params) == 2; c.crdb {',
  },
  {
    file: 'sql/postgres/driver.go',
    why: 'drop the fields, so that nothing can read them empty',
    from: '\t\tcollate string\n\t\tctype   string\n',
    to: '',
  },
  {
    file: 'sql/postgres/inspect.go',
    why: 'realms no longer carry the server-wide collation and ctype (twice: InspectRealm, InspectSchema)',
    from: '\tr := schema.NewRealm(schemas...).SetCollation(i.collate)\n\tr.Attrs = append(r.Attrs, &CType{V: i.ctype})\n',
    to: '\tr := schema.NewRealm(schemas...)\n',
    count: 2,
  },
  {
    file: 'sql/postgres/inspect.go',
    why: "fastinspect: an identity column's last value from its own sequence, not a scan of pg_sequences",
    from: `(CASE WHEN t1.is_identity = 'YES' THEN (SELECT last_value FROM pg_sequences WHERE quote_ident(schemaname) || '.' || quote_ident(sequencename) = pg_get_serial_sequence(quote_ident(t1.table_schema) || '.' || quote_ident(t1.table_name), t1.column_name)) END) AS identity_last,`,
    to: `(CASE WHEN t1.is_identity = 'YES' THEN (SELECT CASE WHEN has_sequence_privilege(s.seq, 'SELECT,USAGE') THEN pg_sequence_last_value(s.seq) END FROM (SELECT pg_get_serial_sequence(quote_ident(t1.table_schema) || '.' || quote_ident(t1.table_name), t1.column_name)::regclass AS seq) AS s) END) AS identity_last,`,
  },
];

/**
 * Applies the edits to `read(file)` texts; returns the new texts by file.
 * Throws, naming the edit, when an expected text is not found exactly
 * `count` (default 1) times.
 */
export function applyEdits(read) {
  const texts = new Map();
  for (const edit of edits) {
    const text = texts.get(edit.file) ?? read(edit.file);
    const found = text.split(edit.from).length - 1;
    const expected = edit.count ?? 1;
    if (found !== expected) {
      throw new Error(`patch ${patchLabel}: ${edit.file}: expected ${expected} match(es) for the edit "${edit.why}", found ${found}`);
    }
    texts.set(edit.file, text.split(edit.from).join(edit.to));
  }
  return texts;
}
