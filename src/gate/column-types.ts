/**
 * Whether changing a column from one Postgres type to another can lose or
 * reject data that the old type held. Judged from the catalog (type name and
 * typmod as pg_attribute stores them), not from SQL text, so every spelling
 * (`int8`, `bigint`, `character varying(20)`) is the same type.
 */
export interface ColumnType {
  /** pg_type.typname: int2, int4, int8, numeric, float4, float8, varchar, bpchar, text, … */
  name: string;
  /** pg_attribute.atttypmod: -1 when unconstrained. */
  typmod: number;
  /** format_type(): how Postgres prints it, e.g. numeric(4,2). */
  display: string;
}

const integerMax: Record<string, bigint> = { int2: 32767n, int4: 2147483647n, int8: 9223372036854775807n };
const textual = new Set(['text', 'varchar', 'bpchar']);

/** Characters a textual type holds (Infinity for text and unconstrained varchar). */
const lengthOf = (type: ColumnType) => (type.name === 'text' || type.typmod < 0 ? Infinity : type.typmod - 4);
/** numeric(p,s) as digits before and after the point; unconstrained numeric holds any. */
function numericDigits(type: ColumnType): { whole: number; fraction: number } {
  if (type.typmod < 0) return { whole: Infinity, fraction: Infinity };
  const precision = ((type.typmod - 4) >> 16) & 0xffff;
  const scale = (type.typmod - 4) & 0xffff;
  return { whole: precision - scale, fraction: scale };
}
const digitsOf = (n: bigint) => n.toString().length;

/**
 * Why the change narrows the column, in a sentence that says what happens to
 * existing rows; null when every old value still fits (a widening, or a
 * change this rule does not judge, such as text -> integer, which changing-column-type covers).
 */
export function narrowing(from: ColumnType, to: ColumnType): string | null {
  if (from.name in integerMax && to.name in integerMax) {
    if (integerMax[to.name]! < integerMax[from.name]!) {
      return `values above ${integerMax[to.name]} no longer fit: the ALTER fails on the first such row in production, after passing on an empty dev database`;
    }
    return null;
  }
  if (from.name in integerMax && to.name === 'numeric') {
    const whole = numericDigits(to).whole;
    if (whole < digitsOf(integerMax[from.name]!)) return `values of ${whole + 1} or more digits no longer fit: the ALTER fails on them`;
    return null;
  }
  if (from.name === 'numeric' && to.name === 'numeric') {
    const a = numericDigits(from);
    const b = numericDigits(to);
    if (b.fraction < a.fraction) {
      return `every value is silently rounded to ${b.fraction} decimal place${b.fraction === 1 ? '' : 's'} (0.99 becomes ${b.fraction === 0 ? '1' : '1.0'}): the lost digits cannot be recovered`;
    }
    if (b.whole < a.whole)
      return `values with more than ${b.whole} digit${b.whole === 1 ? '' : 's'} before the point no longer fit: the ALTER fails on them`;
    return null;
  }
  if (from.name === 'numeric' && to.name in integerMax) {
    return 'fractions are silently rounded away, and values above the integer range make the ALTER fail';
  }
  if (
    (from.name === 'float8' || from.name === 'float4') &&
    (to.name in integerMax || to.name === 'numeric' || (from.name === 'float8' && to.name === 'float4'))
  ) {
    return to.name === 'float4' ? 'every value is silently rounded to 6 significant digits' : 'every value is silently rounded';
  }
  if (textual.has(from.name) && textual.has(to.name)) {
    const before = lengthOf(from);
    const after = lengthOf(to);
    if (after < before) {
      return `values longer than ${after} characters make the ALTER fail in production (an empty dev database has none), and a \`USING … ::${to.display}\` would silently cut them`;
    }
  }
  return null;
}
