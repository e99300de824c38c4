import type { CheckRules } from '../db/column-shape.ts';

export type { CheckRules };

/**
 * The simple CHECK constraints of one column, read back as validation rules
 * for the API's shapes and its document: ranges (`BETWEEN`, `>=`, `<`, …),
 * `IN` lists, `char_length`/`length` bounds and "not empty" (`<> ''`).
 *
 * Postgres keeps a CHECK as an expression tree; `pg_get_constraintdef`
 * prints it back in one canonical form (`rating BETWEEN 1 AND 5` becomes
 * `CHECK (((rating >= 1) AND (rating <= 5)))`), which is what is parsed
 * here. A rule is only ever taken from a conjunct the database enforces on
 * its own (the parts of a top-level AND), so the API never refuses a value
 * the database would accept; whatever is not understood (an OR, a function,
 * another column) is left to the database, whose violation the API answers
 * as a 422 naming the constraint (src/http/constraint-violations.ts).
 */
const integerTypes = new Set(['int2', 'int4', 'int8']);
const numberTypes = new Set([...integerTypes, 'numeric', 'float4', 'float8']);
/** bpchar is left out: it ignores trailing spaces in lengths and comparisons. */
const textTypes = new Set(['text', 'varchar']);

/** How Postgres prints an identifier: bare when it is a plain lower-case name, else double-quoted. */
function printedName(column: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(column) ? column : `"${column.replace(/"/g, '""')}"`;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Removes parentheses that enclose the whole of `text`. */
function unwrap(text: string): string {
  let current = text.trim();
  while (current.startsWith('(') && closingOf(current, 0) === current.length - 1) current = current.slice(1, -1).trim();
  return current;
}

/** The index of the parenthesis closing the one at `open` (quotes respected). */
function closingOf(text: string, open: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = open; i < text.length; i++) {
    const char = text[i];
    if (char === "'") quoted = !quoted;
    if (quoted) continue;
    if (char === '(') depth++;
    if (char === ')' && --depth === 0) return i;
  }
  return -1;
}

/** The operands of the top-level ANDs of `text` (itself if there is none). */
function conjuncts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "'") quoted = !quoted;
    if (quoted) continue;
    if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (depth === 0 && text.startsWith(' AND ', i)) {
      parts.push(text.slice(start, i));
      start = i + 5;
    }
  }
  parts.push(text.slice(start));
  const unwrapped = parts.map(unwrap);
  // A conjunct that is itself an AND (Postgres nests them when written so).
  return unwrapped.length === 1 ? unwrapped : unwrapped.flatMap((part) => conjuncts(part));
}

/** A number as printed: `5`, `99.99`, `'-5'::integer`, `(0)::numeric`, `(-1.5)`. */
const numberLiteral = String.raw`\(?'?(-?\d+(?:\.\d+)?)'?\)?(?:::[a-z ]+)?`;
const operator = '(>=|<=|<>|>|<|=)';
const flipped: Record<string, string> = { '>=': '<=', '<=': '>=', '>': '<', '<': '>', '=': '=', '<>': '<>' };

/** The items of an ARRAY[...] literal: quoted strings (with their casts) or numbers; undefined if any is neither. */
function arrayItems(list: string): (string | number)[] | undefined {
  const item = /\s*(?:'((?:[^']|'')*)'(?:::[a-z ]+)?|(-?\d+(?:\.\d+)?))\s*(,|$)/y;
  const items: (string | number)[] = [];
  let at = 0;
  while (at < list.length) {
    item.lastIndex = at;
    const match = item.exec(list);
    if (!match) return undefined;
    items.push(match[1] !== undefined ? match[1].replace(/''/g, "'") : Number(match[2]));
    at = item.lastIndex;
    if (match[3] === '') break;
  }
  return items;
}

function bound(rules: CheckRules, op: string, value: number, integer: boolean, on: 'value' | 'length'): boolean {
  if (on === 'length') {
    const min = op === '>=' ? value : op === '>' ? Math.floor(value) + 1 : undefined;
    const max = op === '<=' ? value : op === '<' ? Math.ceil(value) - 1 : undefined;
    if (op === '=') return tighten(rules, 'minLength', value, Math.max) && tighten(rules, 'maxLength', value, Math.min);
    if (min !== undefined) return tighten(rules, 'minLength', min, Math.max);
    if (max !== undefined) return tighten(rules, 'maxLength', max, Math.min);
    return false;
  }
  switch (op) {
    case '>=':
      return tighten(rules, 'minimum', value, Math.max);
    case '<=':
      return tighten(rules, 'maximum', value, Math.min);
    case '>':
      return integer ? tighten(rules, 'minimum', Math.floor(value) + 1, Math.max) : tighten(rules, 'exclusiveMinimum', value, Math.max);
    case '<':
      return integer ? tighten(rules, 'maximum', Math.ceil(value) - 1, Math.min) : tighten(rules, 'exclusiveMaximum', value, Math.min);
    case '=':
      return allowOnly(rules, [value]);
    default:
      return false;
  }
}

function tighten(
  rules: CheckRules,
  key: 'minimum' | 'maximum' | 'exclusiveMinimum' | 'exclusiveMaximum' | 'minLength' | 'maxLength',
  value: number,
  pick: (a: number, b: number) => number,
): boolean {
  rules[key] = rules[key] === undefined ? value : pick(rules[key], value);
  return true;
}

function allowOnly(rules: CheckRules, values: (string | number)[]): boolean {
  rules.oneOf = rules.oneOf ? rules.oneOf.filter((value) => values.includes(value)) : [...new Set(values)];
  return true;
}

/**
 * Adds to `rules` what the constraint `definition` (as pg_get_constraintdef
 * prints it) says about `column` of Postgres type `type`; returns how many
 * conjuncts it understood.
 */
export function addCheckRules(rules: CheckRules, definition: string, column: string, type: string): number {
  return addRules(rules, definition, printedName(column), type);
}

/**
 * The same for a domain's CHECK constraint (`CHECK (VALUE BETWEEN 1 AND 5)`,
 * printed `CHECK (((VALUE >= 1) AND (VALUE <= 5)))`): a column of the domain
 * is held to it as to its own CHECKs. `type`: the domain's base type.
 */
export function addDomainCheckRules(rules: CheckRules, definition: string, type: string): number {
  return addRules(rules, definition, 'VALUE', type);
}

function addRules(rules: CheckRules, definition: string, printed: string, type: string): number {
  const match = /^CHECK \((.*)\)( NOT VALID)?$/s.exec(definition.trim());
  if (!match) return 0;
  const name = escape(printed);
  // The column, possibly cast for the comparison: `rating`, `(status)::text`.
  const ref = String.raw`(?:\(${name}\)::[a-z ]+|${name})`;
  const length = String.raw`(?:char_length|character_length|length)\(${ref}\)`;
  const isNumber = numberTypes.has(type);
  const isText = textTypes.has(type);
  const integer = integerTypes.has(type);
  let understood = 0;
  for (const part of conjuncts(unwrap(match[1]!))) {
    let found: RegExpExecArray | null;
    if (isNumber && (found = new RegExp(`^${ref} ${operator} ${numberLiteral}$`).exec(part))) {
      if (bound(rules, found[1]!, Number(found[2]), integer, 'value')) understood++;
    } else if (isNumber && (found = new RegExp(`^${numberLiteral} ${operator} ${ref}$`).exec(part))) {
      if (bound(rules, flipped[found[2]!]!, Number(found[1]), integer, 'value')) understood++;
    } else if (isText && (found = new RegExp(`^${length} ${operator} ${numberLiteral}$`).exec(part))) {
      if (bound(rules, found[1]!, Number(found[2]), true, 'length')) understood++;
    } else if (isText && new RegExp(`^${ref} <> ''::[a-z ]+$`).test(part)) {
      tighten(rules, 'minLength', 1, Math.max);
      understood++;
    } else if (isText && (found = new RegExp(`^${ref} = '((?:[^']|'')*)'::[a-z ]+$`).exec(part))) {
      allowOnly(rules, [found[1]!.replace(/''/g, "'")]);
      understood++;
    } else if (
      (isText || isNumber) &&
      (found = new RegExp(String.raw`^${ref} = ANY \(\(?ARRAY\[(.*?)\]\)?(?:::[a-z ]+\[\])?\)$`).exec(part))
    ) {
      const items = arrayItems(found[1]!);
      if (items && items.every((item) => typeof item === (isText ? 'string' : 'number'))) {
        allowOnly(rules, items);
        understood++;
      }
    }
  }
  return understood;
}
