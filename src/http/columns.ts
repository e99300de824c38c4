import { z } from 'zod';
import { tables } from '../db/zapatos/api-shapes.ts';
import type { ColumnShape } from '../db/column-shape.ts';
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
export const readOnly = ['created_at'] as const; // set by the database (DEFAULT now())

type Tables = typeof tables;
export type TableName = keyof Tables;

const INT4_MAX = 2_147_483_647;
const integerRange: Record<string, [number, number]> = {
  int2: [-32_768, 32_767],
  int4: [-2_147_483_648, INT4_MAX],
  int8: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** The TS type of a column's value in JSON, as the schema says. */
type ValueOf<C> = C extends { values: readonly (infer E)[] }
  ? C extends { element: string }
    ? E[]
    : E
  : C extends { element: string }
    ? unknown[]
    : C extends { type: 'int2' | 'int4' | 'int8' | 'float4' | 'float8' | 'numeric' }
      ? number
      : C extends { type: 'bool' }
        ? boolean
        : C extends { type: 'json' | 'jsonb' }
          ? unknown
          : string;
type Nullable<C> = C extends { nullable: true } ? null : never;
export type RowOf<T extends TableName> = { -readonly [K in keyof Tables[T]]: ValueOf<Tables[T][K]> | Nullable<Tables[T][K]> };

/** One value of a column's type (not its nullability). */
function valueSchema(column: ColumnShape, forWrite: boolean, base = column.element ?? column.type): z.ZodType {
  if (column.element && !('elementDone' in column)) {
    return z.array(valueSchema({ ...column, element: undefined, type: column.element, elementDone: true } as ColumnShape, forWrite));
  }
  if (column.values) return z.enum(column.values as [string, ...string[]]);
  const range = integerRange[base];
  if (range) {
    // Ids (identity keys and the foreign keys to them) start at 1.
    const [min, max] = column.references || column.serverSet ? [1, Math.min(range[1], INT4_MAX)] : range;
    return z.number().int().min(min).max(max).openapi({ type: 'integer', minimum: min, maximum: max });
  }
  if (base === 'numeric') {
    const schema = z.number();
    if (column.precision === undefined) return schema;
    const limit = 10 ** (column.precision - (column.scale ?? 0));
    return schema.gt(-limit).lt(limit).openapi({ exclusiveMinimum: -limit, exclusiveMaximum: limit });
  }
  if (base === 'float4' || base === 'float8') return z.number();
  if (base === 'bool') return z.boolean();
  if (base === 'json' || base === 'jsonb') return z.unknown();
  if (base === 'timestamptz' || base === 'timestamp') return z.string().openapi({ format: 'date-time', example: '2026-11-25T23:42:34.545368+00:00' });
  if (base === 'date') return z.string().openapi({ format: 'date' });
  if (base === 'uuid') return z.string().uuid();
  if (!forWrite) return z.string();
  const required = !column.nullable && !column.hasDefault;
  return required ? nonBlank(column.maxLength) : text(column.maxLength);
}

function writable(name: string, column: ColumnShape): boolean {
  return !column.serverSet && !(readOnly as readonly string[]).includes(name);
}

const columnsOf = (table: TableName) => Object.entries(tables[table]) as [string, ColumnShape][];

/** What the API returns for a row of `table`. */
export function rowShape<T extends TableName>(table: T): z.ZodObject<{ [K in keyof Tables[T]]: z.ZodType<RowOf<T>[K]> }> {
  const shape = Object.fromEntries(
    columnsOf(table).map(([name, column]) => {
      const value = valueSchema(column, false);
      return [name, column.nullable ? value.nullable() : value];
    }),
  );
  return z.object(shape) as never;
}

type WritableKeys<T extends TableName> = {
  [K in keyof Tables[T]]: Tables[T][K] extends { serverSet: true } ? never : K extends (typeof readOnly)[number] ? never : K;
}[keyof Tables[T]];
type RequiredKeys<T extends TableName> = {
  [K in WritableKeys<T>]: Tables[T][K] extends { nullable: false; hasDefault: false } ? K : never;
}[WritableKeys<T>];
export type InsertOf<T extends TableName> = Pick<RowOf<T>, RequiredKeys<T>> & Partial<Pick<RowOf<T>, Exclude<WritableKeys<T>, RequiredKeys<T>>>>;
export type UpdateOf<T extends TableName> = Partial<Pick<RowOf<T>, WritableKeys<T>>>;

/** What POST accepts for `table`: required columns required, the rest optional; unknown fields refused. */
export function insertShape<T extends TableName>(table: T): z.ZodType<InsertOf<T>> {
  const shape = Object.fromEntries(
    columnsOf(table)
      .filter(([name, column]) => writable(name, column))
      .map(([name, column]) => {
        const value = column.nullable ? valueSchema(column, true).nullable() : valueSchema(column, true);
        return [name, column.nullable || column.hasDefault ? value.optional() : value];
      }),
  );
  return z.strictObject(shape) as never;
}

const atLeastOneField = (value: object) => Object.keys(value).length > 0;

/** What PATCH accepts for `table`: any writable column, at least one. */
export function updateShape<T extends TableName>(table: T): z.ZodType<UpdateOf<T>> {
  const shape = Object.fromEntries(
    columnsOf(table)
      .filter(([name, column]) => writable(name, column))
      .map(([name, column]) => [name, (column.nullable ? valueSchema(column, true).nullable() : valueSchema(column, true)).optional()]),
  );
  return z.strictObject(shape).refine(atLeastOneField, 'must change at least one field') as never;
}
