import { UserError } from '../errors/user-error.ts';
import { lineAt, splitStatements } from '../project/sql-statements.ts';
import { connectClient } from './client.ts';
import { missingExtension, unavailableExtension } from './unavailable-extension.ts';

/** A statement Postgres refused, named by file and line (`schema.sql:12: …` and the line itself). */
export class ScriptError extends UserError {
  override name = 'ScriptError';
  constructor(
    message: string,
    /** The file it was in, as given to runScript. */
    readonly label: string,
  ) {
    super(message, { code: 'SQL_REFUSED' });
  }
}

interface PgError {
  message: string;
  position?: string;
}

/**
 * Runs SQL text on a database as one script, the way `psql -f` would, in one
 * implicit transaction (fast, and a failure leaves nothing behind), and names
 * `label:<line>` and the line of a statement Postgres refuses. For an error
 * Postgres gives no position for ("relation … does not exist"), the
 * statements run again one by one to find the one it refuses (`locate`).
 *
 * @example
 * await runScript(devUrl, 'CREATE TABLE t (id int);\nCREATE INDEX ON t (nope);', 'schema.sql');
 * // ScriptError: schema.sql:2: column "nope" does not exist
 * //     CREATE INDEX ON t (nope);
 */
export async function runScript(url: string, text: string, label: string, { locate = true } = {}): Promise<void> {
  const client = await connectClient(url);
  try {
    await client.query(text);
  } catch (error) {
    const { message, position } = error as PgError;
    const extension = missingExtension(message);
    if (extension) throw await unavailableExtension(client, extension, locatedExtension(label, text, extension, message));
    if (position) throw located(label, text, Number(position) - 1, message);
    if (!locate) throw new ScriptError(`${label}: ${message}`, label);
    for (const statement of splitStatements(text)) {
      try {
        await client.query(statement.text);
      } catch (again) {
        const { message: refused, position: at } = again as PgError;
        throw located(label, text, statement.start + (at ? Number(at) - 1 : offsetOfNamed(statement.text, refused)), refused);
      }
    }
    throw new ScriptError(`${label}: ${message}`, label);
  } finally {
    await client.end();
  }
}

/** Where in the statement the object the message names ("relation "x" does not exist") is written, else its start. */
function offsetOfNamed(statement: string, message: string): number {
  const named = /"([^"]+)"/.exec(message)?.[1];
  if (!named) return 0;
  const at = statement.search(new RegExp(`(?<![\\w$])"?${named.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?(?![\\w$])`));
  return Math.max(at, 0);
}

/** `label:<line>: message` and the line of the first CREATE EXTENSION of `extension`. */
function locatedExtension(label: string, text: string, extension: string, message: string): string {
  const name = extension.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const at = text.search(new RegExp(`CREATE\\s+EXTENSION\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?"?${name}"?(?![\\w$])`, 'i'));
  return at < 0 ? `${label}: ${message}` : located(label, text, at, message).message;
}

function located(label: string, text: string, offset: number, message: string): ScriptError {
  const line = lineAt(text, offset);
  return new ScriptError(`${label}:${line}: ${message}\n    ${text.split('\n')[line - 1]!.trim()}`, label);
}
