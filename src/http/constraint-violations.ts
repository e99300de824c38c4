import { constraints } from '../db/zapatos/api-shapes.ts';
import { HttpProblem, type FieldError } from './problems.ts';

/**
 * A write the database refused for what was sent, as the client's problem
 * (4xx), never a 500: the shapes check what they can before the query
 * (types, lengths, simple CHECKs), and the database has the last word on
 * the rest (a CHECK over two columns, a UNIQUE, an exclusion, a NOT NULL
 * the shapes did not know). The answer names the constraint and its
 * columns, which db:types records next to the shapes (api-shapes.ts).
 *
 * - 23514 check, 23502 not null, class 22 (data: out of range, too long,
 *   bad syntax): 422 Validation Failed, a field error per column;
 * - 23505 unique, 23P01 exclusion, 23503 foreign key (when a route did not
 *   say more itself): 409 Conflict, with the same field errors.
 *
 * Only the names of the constraint and columns are sent, never Postgres'
 * `detail` (it quotes the values of the row it conflicts with).
 */
interface PgError {
  code?: unknown;
  table?: unknown;
  constraint?: unknown;
  column?: unknown;
  message?: unknown;
}

const kinds: Record<string, { status: 409 | 422; type: string; says: string }> = {
  '23514': { status: 422, type: 'check_violation', says: 'violates check constraint' },
  '23502': { status: 422, type: 'not_null_violation', says: 'must not be null' },
  '23505': { status: 409, type: 'unique_violation', says: 'conflicts with an existing row (unique constraint' },
  '23P01': { status: 409, type: 'exclusion_violation', says: 'conflicts with an existing row (exclusion constraint' },
  '23503': { status: 409, type: 'foreign_key_violation', says: 'refers to a row that does not exist, or is referred to (foreign key' },
};

/** The columns of a table's constraint, as db:types recorded them; none if it is not known. */
function columnsOf(table: unknown, constraint: unknown, known: Known): readonly string[] {
  if (typeof table !== 'string' || typeof constraint !== 'string') return [];
  return known[table]?.[constraint] ?? [];
}

/** Each table's constraints and their columns (api-shapes.ts's `constraints`). */
type Known = Record<string, Record<string, readonly string[]>>;

/** The problem for a constraint or data violation, or undefined for any other error; `known`: the schema's constraints. */
export function constraintProblem(error: unknown, known: Known = constraints): HttpProblem | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, table, constraint, column, message } = error as PgError;
  if (typeof code !== 'string') return undefined;
  if (code.startsWith('22') && code.length === 5) {
    const msg = typeof message === 'string' ? message : 'invalid value';
    return new HttpProblem(422, 'Validation Failed', `The database refused a value: ${msg}.`, [
      { loc: ['body'], msg, type: 'data_exception' },
    ]);
  }
  const kind = kinds[code];
  if (!kind) return undefined;
  if (code === '23502') {
    const name = typeof column === 'string' ? column : undefined;
    const errors: FieldError[] = [{ loc: name ? ['body', name] : ['body'], msg: kind.says, type: kind.type }];
    return new HttpProblem(422, 'Validation Failed', `${name ?? 'A column'} must not be null.`, errors);
  }
  const named = typeof constraint === 'string' ? constraint : 'unnamed';
  const columns = columnsOf(table, constraint, known);
  const msg = code === '23514' ? `${kind.says} "${named}"` : `${kind.says} "${named}")`;
  const errors: FieldError[] = (columns.length > 0 ? columns : [undefined]).map((name) => ({
    loc: name === undefined ? ['body'] : ['body', name],
    msg,
    type: kind.type,
  }));
  const detail = `${columns.length > 0 ? columns.join(', ') : 'The row'}: ${msg}.`;
  return kind.status === 422 ? new HttpProblem(422, 'Validation Failed', detail, errors) : new HttpProblem(409, 'Conflict', detail, errors);
}
