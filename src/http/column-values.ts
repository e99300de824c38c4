import { z } from 'zod';
import type { ColumnShape } from '../db/column-shape.ts';

/**
 * A column's value as text in a URL (a path key, a filter, an `in` list item,
 * a cursor): checked here against the column's type, so a bad value is a 422
 * naming the parameter, never a Postgres error (or a 500). The checked text
 * goes to Postgres as it is, a bound parameter of the column's type.
 */
type Parsed = { ok: true; value: string } | { ok: false; message: string };

const integerRanges: Record<string, [bigint, bigint]> = {
  int2: [-32_768n, 32_767n],
  int4: [-2_147_483_648n, 2_147_483_647n],
  // A bigint key or filter as JavaScript (and JSON's common readers) can hold it exactly: what the document says.
  int8: [BigInt(Number.MIN_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER)],
};
/**
 * An integer column's range in a URL: its type's; for a key (a row's path,
 * a key cursor) that is an id (identity, or a foreign key to one) from 1, as
 * the bodies have it (columns.ts). A filter keeps the type's (`id.gt=0`).
 */
function integerRange(column: ColumnShape, asKey: boolean): [bigint, bigint] | undefined {
  const range = integerRanges[column.type];
  return range && asKey && (column.serverSet || column.references) ? [1n, range[1]] : range;
}
const uuidPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const timestampPattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:(\d{2})(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const numberPattern = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/;
const textTypes = ['text', 'varchar', 'bpchar', 'citext', 'name'];

/** Whether a column's values can be named in a URL at all (keys, filters, cursors). */
export function urlType(column: ColumnShape): boolean {
  if (column.element) return false;
  if (column.values) return true;
  const type = column.type;
  return (
    type in integerRanges ||
    ['numeric', 'float4', 'float8', 'bool', 'uuid', 'date', 'timestamp', 'timestamptz'].includes(type) ||
    textTypes.includes(type)
  );
}

/** Whether a column holds text (text, varchar, char, citext), not a number, time, uuid or enum. */
export function textual(column: ColumnShape): boolean {
  return !column.element && !column.values && textTypes.includes(column.type);
}

/** Whether `<`, `>` order a column's values as a client expects (numbers, times, text): the range filters. */
export function ordered(column: ColumnShape): boolean {
  return urlType(column) && !column.values && !['bool', 'uuid'].includes(column.type);
}

function validDate(year: string, month: string, day: string): boolean {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** `text` as a value of `column`, or what is wrong with it. */
export function parseValue(column: ColumnShape, text: string, asKey = false): Parsed {
  const type = column.type;
  if (column.values) {
    return column.values.includes(text) ? { ok: true, value: text } : { ok: false, message: `must be one of ${column.values.join(', ')}` };
  }
  const range = integerRange(column, asKey);
  if (range) {
    if (!/^-?[0-9]+$/.test(text)) return { ok: false, message: 'must be an integer' };
    const value = BigInt(text);
    if (value < range[0] || value > range[1]) return { ok: false, message: `must be between ${range[0]} and ${range[1]}` };
    return { ok: true, value: value.toString() };
  }
  if (type === 'numeric' || type === 'float4' || type === 'float8') {
    return numberPattern.test(text) && Number.isFinite(Number(text))
      ? { ok: true, value: text }
      : { ok: false, message: 'must be a number' };
  }
  if (type === 'bool')
    return text === 'true' || text === 'false' ? { ok: true, value: text } : { ok: false, message: 'must be true or false' };
  if (type === 'uuid') return uuidPattern.test(text) ? { ok: true, value: text } : { ok: false, message: 'must be a UUID' };
  if (type === 'date') {
    const parts = datePattern.exec(text);
    return parts && validDate(parts[1]!, parts[2]!, parts[3]!)
      ? { ok: true, value: text }
      : { ok: false, message: 'must be a date (YYYY-MM-DD)' };
  }
  if (type === 'timestamp' || type === 'timestamptz') {
    const parts = timestampPattern.exec(text);
    const valid =
      parts && validDate(parts[1]!, parts[2]!, parts[3]!) && Number(parts[4]) < 24 && Number(parts[5]) < 60 && Number(parts[7] ?? 0) < 60;
    return valid ? { ok: true, value: text } : { ok: false, message: 'must be a date and time (ISO 8601, e.g. 2026-12-01T10:00:00Z)' };
  }
  if (text.includes('\u0000')) return { ok: false, message: 'must not contain NUL characters' };
  if (/\p{Cs}/u.test(text)) return { ok: false, message: 'must be valid Unicode (no unpaired surrogates)' };
  return { ok: true, value: text };
}

/** How the document describes one value of `column` in a URL. */
function valueDocument(column: ColumnShape, asKey: boolean): Record<string, unknown> {
  if (column.values) return { type: 'string', enum: column.values };
  const range = integerRange(column, asKey);
  if (range) {
    return { type: 'integer', minimum: Number(range[0]), maximum: Number(range[1]) };
  }
  if (['numeric', 'float4', 'float8'].includes(column.type)) return { type: 'number' };
  if (column.type === 'bool') return { type: 'boolean' };
  if (column.type === 'uuid') return { type: 'string', format: 'uuid' };
  if (column.type === 'date') return { type: 'string', format: 'date' };
  if (column.type === 'timestamp' || column.type === 'timestamptz') return { type: 'string', format: 'date-time' };
  return { type: 'string', pattern: String.raw`^[^\x00]*$` };
}

/**
 * A path segment holding one value of `column` (a key), or a key cursor: as valueParam, an id from 1, never empty
 * (an empty segment is another path).
 */
export function keyParam(column: ColumnShape, description?: string): z.ZodType<string> {
  return param(column, true, description, textual(column) ? { minLength: 1 } : {});
}

/** A path or query parameter holding one value of `column`. */
export function valueParam(column: ColumnShape, description?: string): z.ZodType<string> {
  return param(column, false, description, {});
}

function param(column: ColumnShape, asKey: boolean, description: string | undefined, more: Record<string, unknown>): z.ZodType<string> {
  return z
    .string()
    .transform((text, context) => {
      const parsed = parseValue(column, text, asKey);
      if (parsed.ok) return parsed.value;
      context.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    })
    .openapi({ ...valueDocument(column, asKey), ...more, ...(description ? { description } : {}) } as never);
}

/** A query parameter holding a comma-separated list of `column`'s values (`?author_id.in=1,2,3`), at most `max`. */
export function listParam(column: ColumnShape, max: number): z.ZodType<string[]> {
  return z
    .string()
    .transform((text, context) => {
      const items = text.split(',');
      if (items.length > max) {
        context.addIssue({ code: 'custom', message: `at most ${max} values` });
        return z.NEVER;
      }
      const values: string[] = [];
      for (const [i, item] of items.entries()) {
        const parsed = parseValue(column, item);
        if (!parsed.ok) {
          context.addIssue({ code: 'custom', message: `value ${i + 1}: ${parsed.message}` });
          return z.NEVER;
        }
        values.push(parsed.value);
      }
      return values;
    })
    .openapi({
      type: 'array',
      items: valueDocument(column, false),
      minItems: 1,
      maxItems: max,
      description: 'Comma-separated values; rows whose column has any of them.',
      param: { style: 'form', explode: false },
    } as never);
}
