import { createHash } from 'node:crypto';
import { pgFormat, sql, type ConnectionPool, type Queryable, type SQLQuery } from '@databases/pg';

/**
 * Named (protocol-level) prepared statements for the hot queries (run.ts
 * `prepare()`): Postgres parses and plans such a query once per connection
 * instead of on every request, which halves its CPU for the API's page
 * reads (docs/performance.md).
 *
 * How: @databases/pg hands node-postgres the object its format gives; a
 * query whose format for Postgres carries a `name` becomes a named statement
 * in node-postgres, parsed once per connection. The name is a digest of the
 * SQL text, so one name always means one text: on any connection, through
 * any pooler, a name can only ever run its own query.
 *
 * Only a pool created by createPool() names statements, never a transaction
 * or a pool of someone else's: a failed named statement inside a transaction
 * would abort it, while on the pool the failed query is simply sent again
 * unnamed. The failures that can happen, each before the query runs (so a
 * retry cannot run an insert twice):
 * - 26000 / 42P05, a pooler that does not keep prepared statements between
 *   transactions (PgBouncer before 1.21, or max_prepared_statements = 0):
 *   the statement was prepared on another server connection, or this one
 *   has it already. The pool stops naming statements for good and says so
 *   once (`onOff`). Neon's pooler (PgBouncer 1.22+) keeps them.
 * - 0A000 "cached plan must not change result type", a migration changed the
 *   type of a column the query returns while the server ran: the statements
 *   get new names, prepared afresh (the old ones end with their connection).
 */
export interface NamedStatementOptions {
  /** Called once if the pool stops naming statements, with what to do. */
  onOff?: (message: string) => void;
  /** Called each time a named query failed for one of the reasons above and is sent again unnamed (metrics). */
  onFallback?: ((reason: 'pooler' | 'result-type') => void) | undefined;
}

interface State {
  on: boolean;
  /** Bumped when a migration changed a result type under prepared statements. */
  generation: number;
  onOff?: ((message: string) => void) | undefined;
  onFallback?: ((reason: 'pooler' | 'result-type') => void) | undefined;
}

const pools = new WeakMap<Queryable, State>();

/** Lets `pool` run prepared queries as named statements (createPool does, unless DATABASE_PREPARED_STATEMENTS=0). */
export function nameStatementsOn(pool: ConnectionPool, { onOff, onFallback }: NamedStatementOptions = {}): void {
  pools.set(pool, { on: true, generation: 0, onOff, onFallback });
}

/** Whether `queryable` currently names its prepared queries (tests, diagnostics). */
export function namesStatements(queryable: Queryable): boolean {
  return pools.get(queryable)?.on ?? false;
}

/** The statement name for a query text: `bookshelf_` and 16 hex digits of its SHA-256 (a name holds 63 bytes). */
function statementName(text: string): string {
  return `bookshelf_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

/** One query's SQL for Postgres, and its statement name. */
export interface Statement {
  /** The text @databases/pg would send (its pgFormat of the query), with `$n` placeholders. */
  text: string;
  name: string;
}

type Item = Parameters<typeof sql.__dangerous__constructFromParts>[0][number];

/** @databases' query class (private in its types, an ordinary class at run time). */
const SQLQueryClass = Object.getPrototypeOf(sql`SELECT 1`).constructor as new (items: readonly Item[]) => SQLQuery;

/**
 * A call of a prepared query: a real @databases query (its own checks, e.g.
 * for several statements, see the items), whose format for Postgres is known
 * in advance: the statement's text, this call's values, and the name when
 * the statement is named. Formatting it costs nothing, and the name reaches
 * node-postgres, which @databases/pg hands the formatted query as it is.
 */
class PreparedCall extends SQLQueryClass {
  readonly #formatted: { text: string; values: unknown[]; name?: string };

  constructor(items: readonly Item[], formatted: { text: string; values: unknown[]; name?: string }) {
    super(items);
    this.#formatted = formatted;
  }

  override format(formatter: typeof pgFormat): { text: string; values: unknown[] };
  override format<T>(formatter: (items: readonly Item[]) => T): T;
  override format(formatter: never): unknown {
    return formatter === pgFormat ? this.#formatted : super.format(formatter);
  }
}

const pgbouncerAdvice =
  'DATABASE_URL goes through a pooler that does not keep prepared statements between transactions ' +
  '(PgBouncer before 1.21, or max_prepared_statements = 0); queries are now sent unprepared, which costs Postgres ' +
  'a parse and plan per query. Upgrade the pooler or set max_prepared_statements (Neon’s pooler has it), ' +
  'or set DATABASE_PREPARED_STATEMENTS=0 to leave prepared statements off.';

/**
 * Runs one call of `statement`: `items` are the query as @databases parts
 * (values in place), `values` the same values in placeholder order. A named
 * statement where the queryable allows it, else unnamed; see above for what
 * happens on failure.
 */
export async function queryPrepared(
  queryable: Queryable,
  statement: Statement,
  items: readonly Item[],
  values: unknown[],
): Promise<unknown[]> {
  const state = pools.get(queryable);
  if (state?.on) {
    const generation = state.generation;
    const name = generation === 0 ? statement.name : `${statement.name}_${generation}`;
    try {
      return await queryable.query(new PreparedCall(items, { text: statement.text, values, name }));
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      if (code === '0A000' && /cached plan must not change result type/.test(message ?? '')) {
        // Concurrent queries failing alike move on by one generation, not one each.
        if (state.generation === generation) state.generation++;
        state.onFallback?.('result-type');
      } else if (code === '26000' || code === '42P05') {
        state.onFallback?.('pooler');
        if (state.on) {
          state.on = false;
          state.onOff?.(pgbouncerAdvice);
        }
      } else {
        throw error;
      }
    }
  }
  return queryable.query(new PreparedCall(items, { text: statement.text, values }));
}

/** A statement for the query @databases would build from `items`: its Postgres text, formatted once, and its name. */
export function statementOf(items: readonly Item[]): Statement {
  const { text } = sql.__dangerous__constructFromParts([...items]).format(pgFormat);
  return { text, name: statementName(text) };
}
