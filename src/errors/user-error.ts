/**
 * The one kind of error a user can act on: bad configuration, a schema file
 * Postgres refuses, a migration the gate refuses, a database out of reach.
 * Every command and the server print it the same way (`formatUserError`): the
 * message, then what to do, never a stack trace; its `exitCode` is the
 * process's. Anything that is not a UserError is a bug and prints its stack.
 *
 * @example
 * throw new UserError('DATABASE_URL: is not a valid URL', {
 *   code: 'CONFIG_INVALID',
 *   hint: 'Percent-encode special characters in the password (: / @ # ? become %3A %2F %40 %23 %3F).',
 *   exitCode: 2,
 * });
 */
export class UserError extends Error {
  override name = 'UserError';
  /** A stable identifier (docs/errors.md lists them all). */
  readonly code: string;
  /** What to do about it, when the message does not already say. */
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: { code?: string; hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? 'BOOKSHELF_ERROR';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** A command-line failure with its exit code (2: the command was used wrongly). */
export class CommandError extends UserError {
  override name = 'CommandError';
  constructor(message: string, exitCode = 1, code = exitCode === 2 ? 'USAGE' : 'COMMAND_FAILED') {
    super(message, { exitCode, code });
  }
}

/** The lines a person reads for an error: a UserError's message and hint; anything else is a bug, with its stack. */
export function formatUserError(error: unknown): string {
  if (error instanceof UserError) return error.hint ? `${error.message}\n${error.hint}` : error.message;
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}

/** The exit code an error ends a command with. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UserError ? error.exitCode : 1;
}
