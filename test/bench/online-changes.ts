/**
 * The common schema changes of the online-changes bench (issue 10 §4), each
 * as the migration file(s) a reviewed change would be, in the order they are
 * applied to one growing database. `refusedFirst` is the change as Atlas
 * would write it, which the gate must refuse; the bench applies it without
 * its opt-out first to show that, then with it, to measure what it costs.
 */
export interface OnlineChange {
  kind: string;
  /** Files, applied one apply per step (each step a file, so each its own transaction or none). */
  steps: { name: string; sql: string }[];
  /** Before the measured window, not part of the change: a migration that sets the stage, then SQL that fills it with data. */
  setup?: { migration: { name: string; sql: string }; data: string };
  refusedFirst?: { name: string; sql: string };
}

export const onlineChanges: OnlineChange[] = [
  {
    kind: 'add a nullable column',
    steps: [{ name: 'add_pages', sql: 'ALTER TABLE "books" ADD COLUMN "pages" integer NULL;\n' }],
  },
  {
    kind: 'add a column with a constant default',
    steps: [{ name: 'add_in_print', sql: 'ALTER TABLE "books" ADD COLUMN "in_print" boolean NOT NULL DEFAULT true;\n' }],
  },
  {
    kind: 'add an index CONCURRENTLY',
    steps: [
      { name: 'books_title_idx', sql: '-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY "books_title_idx" ON "books" ("title");\n' },
    ],
  },
  {
    kind: 'add a foreign key NOT VALID, then VALIDATE',
    setup: {
      migration: { name: 'add_editor_id', sql: 'ALTER TABLE "books" ADD COLUMN "editor_id" integer NULL;\n' },
      data: 'UPDATE books SET editor_id = author_id WHERE id % 10 = 0',
    },
    steps: [
      {
        name: 'books_editor_fk',
        sql: 'ALTER TABLE "books" ADD CONSTRAINT "books_editor_id_fkey" FOREIGN KEY ("editor_id") REFERENCES "authors" ("id") NOT VALID;\n',
      },
      { name: 'validate_books_editor_fk', sql: 'ALTER TABLE "books" VALIDATE CONSTRAINT "books_editor_id_fkey";\n' },
    ],
  },
  {
    // On authors (100k rows, every bio filled): every column of books is NOT NULL already.
    kind: 'make a column NOT NULL (authors.bio: CHECK NOT VALID, VALIDATE, SET NOT NULL)',
    steps: [
      {
        name: 'authors_bio_check',
        sql: 'ALTER TABLE "authors" ADD CONSTRAINT "authors_bio_not_null" CHECK ("bio" IS NOT NULL) NOT VALID;\n',
      },
      { name: 'validate_authors_bio_check', sql: 'ALTER TABLE "authors" VALIDATE CONSTRAINT "authors_bio_not_null";\n' },
      {
        name: 'authors_bio_set_not_null',
        sql:
          '-- The valid CHECK above proves no NULL exists, so SET NOT NULL skips its full-table scan (Postgres 12+).\n' +
          '-- atlas:nolint data_depend\n' +
          '-- squawk-ignore adding-not-nullable-field\n' +
          'ALTER TABLE "authors" ALTER COLUMN "bio" SET NOT NULL;\n' +
          'ALTER TABLE "authors" DROP CONSTRAINT "authors_bio_not_null";\n',
      },
    ],
  },
  {
    kind: 'change a column type (unsafe: rewrites the table)',
    refusedFirst: { name: 'author_id_bigint', sql: 'ALTER TABLE "books" ALTER COLUMN "author_id" TYPE bigint;\n' },
    steps: [
      {
        name: 'author_id_bigint',
        sql: '-- squawk-ignore changing-column-type\nALTER TABLE "books" ALTER COLUMN "author_id" TYPE bigint;\n',
      },
    ],
  },
];
