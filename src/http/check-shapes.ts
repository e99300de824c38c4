import { z } from 'zod';
import type { CheckRules } from '../db/column-shape.ts';
import { atLeast } from './text.ts';

/**
 * A column's simple CHECK constraints (read by db:types, see
 * src/codegen/check-rules.ts) as rules of the shapes clients write: a
 * value the database would refuse with a 500-prone check violation is a
 * 422 naming the field instead, and the document says the same bounds
 * (minimum/maximum, exclusive ones, enum, minLength/maxLength).
 */

/** An integer column's bounds: its type's range, narrowed by its checks. */
export function integerBounds(range: [number, number], checks: CheckRules | undefined): [number, number] {
  const min = Math.max(
    range[0],
    checks?.minimum ?? -Infinity,
    checks?.exclusiveMinimum === undefined ? -Infinity : Math.floor(checks.exclusiveMinimum) + 1,
  );
  const max = Math.min(
    range[1],
    checks?.maximum ?? Infinity,
    checks?.exclusiveMaximum === undefined ? Infinity : Math.ceil(checks.exclusiveMaximum) - 1,
  );
  return [min, max];
}

/**
 * A number column's checks, on top of its type's own limits (numeric(p, s):
 * `typeLimit`, exclusive both ways). The document's bounds are restated in
 * full at the end: zod-to-openapi keeps `.openapi()` metadata across one
 * added check, not across several.
 */
export function checkedNumber(schema: z.ZodNumber, checks: CheckRules | undefined, typeLimit?: number): z.ZodType<number> {
  let checked = schema;
  const documented: Record<string, number> = {};
  if (typeLimit !== undefined) {
    checked = checked.gt(-typeLimit).lt(typeLimit);
    documented.exclusiveMinimum = -typeLimit;
    documented.exclusiveMaximum = typeLimit;
  }
  if (checks?.minimum !== undefined) {
    checked = checked.gte(checks.minimum);
    documented.minimum = checks.minimum;
  }
  if (checks?.maximum !== undefined) {
    checked = checked.lte(checks.maximum);
    documented.maximum = checks.maximum;
  }
  if (checks?.exclusiveMinimum !== undefined) {
    checked = checked.gt(checks.exclusiveMinimum);
    documented.exclusiveMinimum = Math.max(checks.exclusiveMinimum, documented.exclusiveMinimum ?? -Infinity);
  }
  if (checks?.exclusiveMaximum !== undefined) {
    checked = checked.lt(checks.exclusiveMaximum);
    documented.exclusiveMaximum = Math.min(checks.exclusiveMaximum, documented.exclusiveMaximum ?? Infinity);
  }
  const withDoc = checked.openapi(documented);
  return checks ? oneOf(withDoc, checks) : withDoc;
}

/** A text column's longest value: its varchar(n), or a shorter CHECK bound. */
export function textMaxLength(typeMax: number | undefined, checks: CheckRules | undefined): number | undefined {
  const limits = [typeMax, checks?.maxLength].filter((limit) => limit !== undefined);
  return limits.length > 0 ? Math.min(...limits) : undefined;
}

/** A text column's other checks: its shortest length and allowed values (the longest goes to text(), textMaxLength). */
export function checkedText(schema: z.ZodType<string>, checks: CheckRules | undefined): z.ZodType<string> {
  if (!checks) return schema;
  const checked = checks.minLength !== undefined ? atLeast(schema, checks.minLength) : schema;
  return oneOf(checked, checks);
}

function oneOf<T extends string | number>(schema: z.ZodType<T>, checks: CheckRules): z.ZodType<T> {
  const allowed = checks.oneOf;
  if (!allowed) return schema;
  const shown = allowed.map((value) => JSON.stringify(value)).join(', ');
  return schema.refine((value) => allowed.includes(value), `must be one of ${shown}`).openapi({ enum: allowed as never });
}
