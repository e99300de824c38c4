import { tables } from '../db/zapatos/api-shapes.ts';
import type { ColumnShape } from '../db/column-shape.ts';

/**
 * Timestamps always with six fractional digits (microseconds, Postgres'
 * precision): Postgres' JSON trims trailing zeros (`…:34.5453+00:00`,
 * `…:34+00:00`), and some clients' parsers take 3 or 6 digits only (Python
 * 3.10's datetime.fromisoformat refuses 4 or 5). Applied to the JSON text of
 * answers (rows Postgres made, see db/json-page.ts, and rows zapatos
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

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function timestampPattern(names: string[]): RegExp | undefined {
  if (names.length === 0) return undefined;
  const keys = names.map((name) => escape(JSON.stringify(name).slice(1, -1))).join('|');
  return new RegExp(
    `([{,]"(?:${keys})":"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d)(?:\\.(\\d{1,6}))?((?:[+-]\\d\\d(?::\\d\\d){0,2}|Z)?")`,
    'g',
  );
}

const pattern = timestampPattern(timestampColumnNames());

/** `text` (JSON) with every timestamp column's value written with six fractional digits. */
export function sixDigitTimestamps(text: string, names?: string[]): string {
  const used = names ? timestampPattern(names) : pattern;
  if (!used) return text;
  return text.replace(used, (_match, head: string, fraction: string | undefined, tail: string) => {
    return `${head}.${(fraction ?? '').padEnd(6, '0')}${tail}`;
  });
}
