import { z } from 'zod';
import type { ColumnShape } from '../db/column-shape.ts';
import { checkedNumber, checkedText, integerBounds, textMaxLength } from './check-shapes.ts';
import { nonBlank, text } from './text.ts';

/**
 * The API's shapes of each table, made from its columns as the migrated
 * database has them (src/db/zapatos/api-shapes.ts, written by db:types):
 * - `row`: what the API returns: every column, timestamps as ISO strings,
 *   nullable where the column is;
 * - `insertable`: what POST accepts: columns without a default and NOT NULL
 *   are required, the rest optional (null where the column takes NULL);
 *   `varchar(n)` lengths, integer and numeric bounds, enum values, arrays;
 *   a required text column must not be blank;
 * - `updatable`: what PATCH accepts: the same, all optional, at least one.
 *
 * Which columns clients may write: all but identity and generated columns
 * and the ones named in `readOnly` below (in any table). A new column is
 * returned, accepted and documented with no edit; to keep clients from
 * writing one, add its name here: the one line.
 */
const readOnly = ['created_at'] as const; // set by the database (DEFAULT now())

const INT4_MAX = 2_147_483_647;
const integerRange: Record<string, [number, number]> = {
  int2: [-32_768, 32_767],
  int4: [-2_147_483_648, INT4_MAX],
  int8: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** One value of a column's type (not its nullability). */
function valueSchema(column: ColumnShape, forWrite: boolean, base = column.element ?? column.type): z.ZodType {
  if (column.element && !('elementDone' in column)) {
    return z.array(valueSchema({ ...column, element: undefined, type: column.element, elementDone: true } as ColumnShape, forWrite));
  }
  if (column.values) return z.enum(column.values as [string, ...string[]]);
  const range = integerRange[base];
  if (range) {
    // Ids (identity keys and the foreign keys to them) start at 1.
    const typeRange: [number, number] = column.references || column.serverSet ? [1, range[1]] : range;
    // A write is held to the column's CHECKs too; an answer only to its type (a NOT VALID check leaves old rows as they were).
    const [min, max] = forWrite ? integerBounds(typeRange, column.checks) : typeRange;
    // No `type` override here: zod-to-openapi writes `integer` itself, and an
    // explicit one would also replace the `["integer", "null"]` of a nullable column.
    const schema = z.number().int().min(min).max(max);
    return forWrite && column.checks?.oneOf ? checkedNumber(schema, { oneOf: column.checks.oneOf }) : schema;
  }
  if (base === 'numeric') {
    const limit = column.precision === undefined ? undefined : 10 ** (column.precision - (column.scale ?? 0));
    return checkedNumber(z.number(), forWrite ? column.checks : undefined, limit);
  }
  if (base === 'float4' || base === 'float8') return forWrite ? checkedNumber(z.number(), column.checks) : z.number();
  if (base === 'bool') return z.boolean();
  // Any JSON value, but present: a plain z.unknown() is optional to zod and to the document.
  if (base === 'json' || base === 'jsonb') return z.unknown().nonoptional();
  if (base === 'timestamptz' || base === 'timestamp')
    return z.string().openapi({ format: 'date-time', example: '2026-11-25T23:42:34.545368+00:00' });
  if (base === 'date') return z.string().openapi({ format: 'date' });
  if (base === 'uuid') return z.string().uuid();
  if (!forWrite) return z.string();
  const required = !column.nullable && !column.hasDefault;
  const max = textMaxLength(column.maxLength, column.checks);
  return checkedText(required ? nonBlank(max) : text(max), column.checks);
}

/**
 * A column's value or null, as the document must say it too: an enum's
 * `enum` list gets `null` (a `["string", "null"]` type alone is not enough,
 * the list would still refuse null).
 */
function orNull(column: ColumnShape, value: z.ZodType, forWrite = false): z.ZodType {
  const nullable = value.nullable();
  const listed = column.element ? undefined : (column.values ?? (forWrite ? column.checks?.oneOf : undefined));
  return listed ? nullable.openapi({ enum: [...listed, null] as never }) : nullable;
}

function writable(name: string, column: ColumnShape): boolean {
  return !column.serverSet && !(readOnly as readonly string[]).includes(name);
}

/** What the API returns for a row with these columns (a table's or a view's; src/http/resource-routes.ts). */
export function rowShapeOf(columns: Record<string, ColumnShape>): z.ZodObject {
  const shape = Object.fromEntries(
    Object.entries(columns).map(([name, column]) => {
      const value = valueSchema(column, false);
      return [name, column.nullable ? orNull(column, value) : value];
    }),
  );
  return z.object(shape);
}

/** Whether clients may write `name`: `only` lists the columns they may (a resource's `writable`), else the rule above. */
const writableIn = (only: readonly string[] | undefined) => (name: string, column: ColumnShape) =>
  writable(name, column) && (only === undefined || only.includes(name));

/** What POST accepts for a row of these columns; `only`: the columns clients may write, if not all (see writable()). */
export function insertShapeOf(columns: Record<string, ColumnShape>, only?: readonly string[]): z.ZodObject {
  const shape = Object.fromEntries(
    Object.entries(columns)
      .filter(([name, column]) => writableIn(only)(name, column))
      .map(([name, column]) => {
        const value = column.nullable ? orNull(column, valueSchema(column, true), true) : valueSchema(column, true);
        return [name, column.nullable || column.hasDefault || column.filledByTrigger ? value.optional() : value];
      }),
  );
  return z.strictObject(shape);
}

const atLeastOneField = (value: object) => Object.keys(value).length > 0;

/** What PATCH accepts for a row of these columns: any writable one (`only`: of these), at least one. */
export function updateShapeOf(columns: Record<string, ColumnShape>, only?: readonly string[]): z.ZodType<Record<string, unknown>> {
  const shape = Object.fromEntries(
    Object.entries(columns)
      .filter(([name, column]) => writableIn(only)(name, column))
      .map(([name, column]) => [
        name,
        (column.nullable ? orNull(column, valueSchema(column, true), true) : valueSchema(column, true)).optional(),
      ]),
  );
  return z.strictObject(shape).refine(atLeastOneField, 'must change at least one field');
}
