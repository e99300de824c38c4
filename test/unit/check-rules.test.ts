import { describe, expect, it } from 'vitest';
import { addCheckRules, addDomainCheckRules, type CheckRules } from '../../src/codegen/check-rules.ts';

/**
 * CHECK constraints as Postgres 17 prints them back (pg_get_constraintdef),
 * read into the API's rules. The definitions below were printed by a real
 * server for the schema in each case's name; what is not understood adds no
 * rule (the database still enforces it, and its violation is a 422).
 */
const rulesOf = (definition: string, column: string, type: string): [CheckRules, number] => {
  const rules: CheckRules = {};
  const understood = addCheckRules(rules, definition, column, type);
  return [rules, understood];
};

describe('addCheckRules', () => {
  it.each([
    ['a integer CHECK (a >= -5 AND a < 10)', "CHECK (((a >= '-5'::integer) AND (a < 10)))", 'a', 'int4', { minimum: -5, maximum: 9 }],
    ['k integer CHECK (3 <= k)', 'CHECK ((3 <= k))', 'k', 'int4', { minimum: 3 }],
    ['"Odd" integer CHECK ("Odd" > 1)', 'CHECK (("Odd" > 1))', 'Odd', 'int4', { minimum: 2 }],
    ['c integer CHECK (c IN (1, 2, 3))', 'CHECK ((c = ANY (ARRAY[1, 2, 3])))', 'c', 'int4', { oneOf: [1, 2, 3] }],
    [
      'd numeric CHECK (d >= 0 AND d <= 99.99)',
      'CHECK (((d >= (0)::numeric) AND (d <= 99.99)))',
      'd',
      'numeric',
      { minimum: 0, maximum: 99.99 },
    ],
    ['i numeric CHECK (i > -1.5)', "CHECK ((i > '-1.5'::numeric))", 'i', 'numeric', { exclusiveMinimum: -1.5 }],
    [
      "b varchar(10) CHECK (b IN ('x', 'y''z'))",
      "CHECK (((b)::text = ANY ((ARRAY['x'::character varying, 'y''z'::character varying])::text[])))",
      'b',
      'varchar',
      { oneOf: ['x', "y'z"] },
    ],
    [
      'e varchar(30) CHECK (char_length(e) BETWEEN 2 AND 8)',
      'CHECK (((char_length((e)::text) >= 2) AND (char_length((e)::text) <= 8)))',
      'e',
      'varchar',
      { minLength: 2, maxLength: 8 },
    ],
    ["f text CHECK (f <> '')", "CHECK ((f <> ''::text))", 'f', 'text', { minLength: 1 }],
    ['h text CHECK (length(h) <= 4)', 'CHECK ((length(h) <= 4))', 'h', 'text', { maxLength: 4 }],
    ["j varchar(5) CHECK (j = 'k')", "CHECK (((j)::text = 'k'::text))", 'j', 'varchar', { oneOf: ['k'] }],
  ])('%s', (_schema, definition, column, type, expected) => {
    const [rules, understood] = rulesOf(definition, column, type);
    expect(rules).toEqual(expected);
    expect(understood).toBeGreaterThan(0);
  });

  it('an OR, another column or a function it does not know adds nothing', () => {
    expect(rulesOf('CHECK (((g IS NULL) OR (g > 0)))', 'g', 'int4')).toEqual([{}, 0]);
    expect(rulesOf('CHECK ((price < pages))', 'price', 'numeric')).toEqual([{}, 0]);
    expect(rulesOf("CHECK ((btrim(name) <> ''::text))", 'name', 'text')).toEqual([{}, 0]);
    // A bound on another column of the same name prefix is not this column's.
    expect(rulesOf('CHECK ((ab > 1))', 'a', 'int4')).toEqual([{}, 0]);
  });

  it('keeps the understood conjuncts of a partly understood AND (each is enforced on its own)', () => {
    expect(rulesOf('CHECK (((a > 0) AND (a <> ALL (ARRAY[13]))))', 'a', 'int4')).toEqual([{ minimum: 1 }, 1]);
  });

  it('several constraints on one column narrow each other', () => {
    const rules: CheckRules = {};
    addCheckRules(rules, 'CHECK ((r >= 1))', 'r', 'int4');
    addCheckRules(rules, 'CHECK ((r >= 3))', 'r', 'int4');
    addCheckRules(rules, 'CHECK ((r = ANY (ARRAY[1, 3, 5])))', 'r', 'int4');
    addCheckRules(rules, 'CHECK ((r = ANY (ARRAY[3, 5, 7])))', 'r', 'int4');
    expect(rules).toEqual({ minimum: 3, oneOf: [3, 5] });
  });

  it('a rule of the wrong kind for the column type is not taken (bpchar lengths, text bounds on numbers)', () => {
    expect(rulesOf('CHECK ((char_length(code) <= 3))', 'code', 'bpchar')).toEqual([{}, 0]);
    expect(rulesOf("CHECK ((n <> ''::text))", 'n', 'int4')).toEqual([{}, 0]);
  });
});

describe('addDomainCheckRules', () => {
  it("reads a domain's CHECK on VALUE like a column's (CREATE DOMAIN stars AS integer CHECK (VALUE BETWEEN 1 AND 5))", () => {
    const rules: CheckRules = {};
    expect(addDomainCheckRules(rules, 'CHECK (((VALUE >= 1) AND (VALUE <= 5)))', 'int4')).toBe(2);
    expect(rules).toEqual({ minimum: 1, maximum: 5 });
    const text: CheckRules = {};
    expect(addDomainCheckRules(text, 'CHECK ((char_length((VALUE)::text) >= 3))', 'varchar')).toBe(1);
    expect(text).toEqual({ minLength: 3 });
    // A column named "value" is not the domain's VALUE.
    expect(addCheckRules({}, 'CHECK (((VALUE >= 1) AND (VALUE <= 5)))', 'value', 'int4')).toBe(0);
  });
});
