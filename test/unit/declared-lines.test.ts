import { describe, expect, it } from 'vitest';
import { declaredLine } from '../../src/catalog/declared-lines.ts';

/** Where db:adopt's stop says schema.sql declares an object that differs (issue 19, D16b). */
const schema = `-- header
CREATE FUNCTION public.label(b books) RETURNS text LANGUAGE sql AS $$ SELECT b.title $$;
CREATE TABLE "books" (
  "id" integer NOT NULL,
  "title" text,
  PRIMARY KEY ("id")
);
CREATE INDEX "books_title" ON "books" ("title");
CREATE VIEW public.titles AS SELECT title FROM books;
ALTER TABLE books ADD CONSTRAINT books_title_check CHECK (title <> '');
COMMENT ON VIEW public.titles IS 'titles';
`;

describe('the line of schema.sql that declares an object', () => {
  it.each([
    ['table', 'public.books', 3],
    ['column', 'public.books.title', 5],
    ['index', 'public.books_title', 8],
    ['function', 'public.label(books)', 2],
    ['view', 'public.titles', 9],
    ['constraint', 'public.books.books_title_check', 10],
    ['comment', 'VIEW public.titles', 11],
  ] as const)('%s %s: line %i', (kind, name, line) => {
    expect(declaredLine(schema, { kind, name })).toBe(line);
  });

  it('none for an object no statement names', () => {
    expect(declaredLine(schema, { kind: 'table', name: 'public.authors' })).toBeUndefined();
  });
});
