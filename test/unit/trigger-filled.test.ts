import { expect, it } from 'vitest';
import { columnsFilledBy } from '../../src/codegen/trigger-filled.ts';

/** src/codegen/trigger-filled.ts: which columns a BEFORE INSERT trigger function fills, from its source. */
it('reads assignments to NEW.col, SELECT … INTO NEW.col, and not comparisons', () => {
  const source = `
DECLARE n integer;
BEGIN
  NEW.slug := lower(NEW.title);
  IF NEW.code = '' THEN
    NEW."Code" = 'x';
  END IF;
  -- NEW.commented := 1;
  SELECT count(*) + 1 INTO NEW.position FROM books WHERE author_id = NEW.author_id;
  SELECT 1, 2 INTO STRICT NEW.a, NEW.b;
  RETURN NEW;
END`;
  expect([...(columnsFilledBy('plpgsql', source) as Set<string>)].sort()).toEqual(['Code', 'a', 'b', 'position', 'slug']);
});

it('a whole-row NEW := fills every column; a function in another language counts as filling every column', () => {
  expect(columnsFilledBy('plpgsql', 'BEGIN NEW := jsonb_populate_record(NEW, $1); RETURN NEW; END')).toBe('all');
  expect(columnsFilledBy('c', 'my_trigger')).toBe('all');
  expect(columnsFilledBy('plpgsql', 'BEGIN RETURN NEW; END')).toEqual(new Set());
});
