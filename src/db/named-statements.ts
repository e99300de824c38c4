import { createHash } from 'node:crypto';
import type { ConnectionPool, Queryable, SQLQuery } from '@databases/pg';

/**
 * Named (protocol-level) prepared statements for the hot queries (run.ts
 * `prepare()`): Postgres parses and plans such a query once per connection
 * instead of on every request, which halves its CPU for the API's page
 * reads (README, Performance).
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
}

interface State {
  on: boolean;
  /** Bumped when a migration changed a result type under prepared statements. */
  generation: number;
  onOff?: ((message: string) => void) | undefined;
}

const pools = new WeakMap<Queryable, State>();

/** Lets `pool` run prepared queries as named statements (createPool does, unless DATABASE_PREPARED_STATEMENTS=0). */
export function nameStatementsOn(pool: ConnectionPool, { onOff }: NamedStatementOptions = {}): void {
  pools.set(pool, { on: true, generation: 0, onOff });
}

/** Whether `queryable` currently names its prepared queries (tests, diagnostics). */
export function namesStatements(queryable: Queryable): boolean {
  return pools.get(queryable)?.on ?? false;
}

/** The statement name for a query text: `bookshelf_` and 16 hex digits of its SHA-256 (a name holds 63 bytes). */
export function statementName(text: string): string {
  return `bookshelf_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

/** `query`, formatted for Postgres with `name`; formatted any other way (by @databases' own checks), as it is. */
function withName(query: SQLQuery, name: string): SQLQuery {
  const named = Object.create(query) as SQLQuery;
  type Formatter = Parameters<SQLQuery['format']>[0];
  type ItemsFormatter = (items: readonly unknown[]) => unknown;
  const format = (formatter: Formatter | ItemsFormatter) =>
    typeof formatter === 'function' ? query.format(formatter as ItemsFormatter) : { ...query.format(formatter), name };
  Object.defineProperty(named, 'format', { value: format });
  return named;
}

const pgbouncerAdvice =
  'DATABASE_URL goes through a pooler that does not keep prepared statements between transactions ' +
  '(PgBouncer before 1.21, or max_prepared_statements = 0); queries are now sent unprepared, which costs Postgres ' +
  'a parse and plan per query. Upgrade the pooler or set max_prepared_statements (Neon’s pooler has it), ' +
  'or set DATABASE_PREPARED_STATEMENTS=0 to leave prepared statements off.';

/**
 * Runs `query` (whose SQL text is `text`) as a named statement where the
 * queryable allows it, else as it is; see above for what happens on failure.
 */
export async function queryPrepared(queryable: Queryable, query: SQLQuery, name: string): Promise<unknown[]> {
  const state = pools.get(queryable);
  if (!state?.on) return queryable.query(query);
  const generation = state.generation;
  try {
    return await queryable.query(withName(query, generation === 0 ? name : `${name}_${generation}`));
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (code === '0A000' && /cached plan must not change result type/.test(message ?? '')) {
      // Concurrent queries failing alike move on by one generation, not one each.
      if (state.generation === generation) state.generation++;
    } else if (code === '26000' || code === '42P05') {
      if (state.on) {
        state.on = false;
        state.onOff?.(pgbouncerAdvice);
      }
    } else {
      throw error;
    }
  }
  return queryable.query(query);
}
