import { UserError } from '../errors/user-error.ts';
import { withClient } from './client.ts';
import { connectionFailure } from './connection-problem.ts';

/**
 * Connects once to `url` and throws a UserError saying what to check when it
 * cannot, in the same words `npm start` uses (connection-problem.ts), so the
 * db:* commands never show Atlas's raw `dial tcp …: connection refused` or
 * `unexpected EOF`. `variable` names where the URL came from.
 *
 * @example
 * await assertReachable('postgres://app@127.0.0.1:1/app', 'DATABASE_URL');
 * // UserError: connection refused at 127.0.0.1:1: is Postgres running there? Check the host and port in DATABASE_URL
 */
export async function assertReachable(url: string, variable: string): Promise<void> {
  try {
    await withClient(url, (client) => client.query('SELECT 1'));
  } catch (error) {
    throw new UserError(connectionFailure(error, url, variable), { code: 'DATABASE_UNREACHABLE', exitCode: 1, cause: error });
  }
}
