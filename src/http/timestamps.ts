import { tables } from '../db/zapatos/api-shapes.ts';
import type { ColumnShape } from '../db/column-shape.ts';

/**
 * Timestamps always with six fractional digits (microseconds, Postgres'
 * precision): Postgres' JSON trims trailing zeros (`…:34.5453+00:00`,
 * `…:34+00:00`), and some clients' parsers take 3 or 6 digits only (Python
 * 3.10's datetime.fromisoformat refuses 4 or 5). Applied to the JSON text of
 * answers (rows Postgres made, see db/resource-queries.ts, and rows zapatos
 * returned): only a value that is an ISO timestamp as a whole, under the name
 * of a timestamp column of some table. A key is only ever matched as a key:
 * in JSON text an unescaped `,"` or `{"` cannot occur inside a string.
 */
const timestampTypes = new Set(['timestamp', 'timestamptz']);

function timestampColumnNames(): string[] {
  const names = new Set<string>();
  for (const columns of Object.values(tables) as Record<string, ColumnShape>[]) {
    for (const [name, column] of Object.entries(columns)) if (timestampTypes.has(column.type)) names.add(name);
  }
  return [...names].sort();
}

const keys = timestampColumnNames().map((name) => `${JSON.stringify(name)}:"`);
const isDigit = (code: number) => code >= 48 && code <= 57;
/** `YYYY-MM-DDTHH:MM:SS` at `at` (char codes, no slices: this runs for every timestamp of every answer). */
const shape = '0000-00-00T00:00:00';
function secondsAt(text: string, at: number): boolean {
  for (let i = 0; i < shape.length; i++) {
    const code = text.charCodeAt(at + i);
    if (shape[i] === '0' ? !isDigit(code) : code !== shape.charCodeAt(i)) return false;
  }
  return true;
}

/** Where the string ends after an optional offset (`Z`, `+00`, `+05:30`, `-03:30:00`) at `at`, or -1. */
function closingQuoteAfterOffset(text: string, at: number): number {
  const first = text.charCodeAt(at);
  if (first === 34 /* " */) return at;
  if (first === 90 /* Z */) return text.charCodeAt(at + 1) === 34 ? at + 1 : -1;
  if (first !== 43 /* + */ && first !== 45 /* - */) return -1;
  let end = at + 1;
  for (let part = 0; part < 3; part++) {
    if (part > 0 && text.charCodeAt(end) !== 58 /* : */) break;
    const start = part > 0 ? end + 1 : end;
    if (!isDigit(text.charCodeAt(start)) || !isDigit(text.charCodeAt(start + 1))) return -1;
    end = start + 2;
  }
  return text.charCodeAt(end) === 34 ? end : -1;
}

/**
 * `text` (JSON) with every timestamp column's value written with six
 * fractional digits. A scan by indexOf for each `"name":"`, not one regular
 * expression over the whole text: a 50-row page is 8 KB, and this runs on
 * every answer.
 */
export function sixDigitTimestamps(text: string, names?: string[]): string {
  const patterns = names ? names.map((name) => `${JSON.stringify(name)}:"`) : keys;
  let result = text;
  for (const key of patterns) result = padAfter(result, key);
  return result;
}

function padAfter(text: string, key: string): string {
  let out = '';
  let copied = 0;
  for (let at = text.indexOf(key); at >= 0; at = text.indexOf(key, at + key.length)) {
    // A key only where `{` or `,` is right before it: inside a string a quote is always escaped.
    const before = text.charCodeAt(at - 1);
    if (before !== 123 /* { */ && before !== 44 /* , */) continue;
    const value = at + key.length;
    if (!secondsAt(text, value)) continue;
    let end = value + 19;
    let digits = 0;
    if (text.charCodeAt(end) === 46 /* . */) {
      while (isDigit(text.charCodeAt(end + 1 + digits))) digits++;
      if (digits === 0 || digits > 6) continue;
      end += 1 + digits;
    }
    if (digits === 6) continue;
    if (closingQuoteAfterOffset(text, end) < 0) continue;
    out += `${text.slice(copied, value + 19)}.${text.slice(value + 20, end).padEnd(6, '0')}`;
    copied = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
