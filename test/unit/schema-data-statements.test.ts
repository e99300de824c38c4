import { describe, expect, it } from 'vitest';
import { describeIgnored, schemaSource, SchemaSourceError } from '../../src/project/schema-source.ts';

/**
 * Issue 19, D15: data in schema.sql. Rails' closing INSERT INTO
 * "schema_migrations" (and setval) is left out with a note; COPY, UPDATE,
 * DELETE, TRUNCATE (a dump without --schema-only) are refused by name and
 * line before anything runs.
 */
const versions = Array.from({ length: 1107 }, (_, i) => `('2019${String(i).padStart(10, '0')}')`).join(',\n');
const structure = `CREATE TABLE public.schema_migrations (version character varying NOT NULL);

SET search_path TO "$user", public;

INSERT INTO "schema_migrations" (version) VALUES
${versions};

SELECT pg_catalog.setval('public.t_id_seq', 42, true);
`;

describe('schema.sql with data in it', () => {
  it("Rails' schema_migrations rows and setval are left out, named in the notes, every line kept", () => {
    const source = schemaSource(structure);
    expect(source.text).not.toMatch(/INSERT|setval/);
    expect(source.text.split('\n').length).toBe(structure.split('\n').length);
    expect(source.text).toContain('CREATE TABLE public.schema_migrations');
    const notes = describeIgnored(source).join('\n');
    expect(notes).toMatch(/schema\.sql: 1 statement\(s\) left out \(lines 5\): rows are data, not schema .*npm run db:new/);
    expect(notes).toMatch(/lines 1114\): a sequence position is data/);
  });

  it.each(['COPY public.t (id) FROM stdin;', 'UPDATE public.t SET id = 1;', 'DELETE FROM public.t;', 'TRUNCATE public.t;'])(
    '%s is refused by line',
    (statement) => {
      const text = `CREATE TABLE public.t (id integer);\n\n${statement}\n`;
      expect(() => schemaSource(text)).toThrow(SchemaSourceError);
      expect(() => schemaSource(text)).toThrow(
        new RegExp(`^schema\\.sql:3: ${statement.split(' ')[0]} is data, not schema: .*--schema-only.*Nothing was run\\.`),
      );
    },
  );
});
