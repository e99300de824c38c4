import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../src/config/env.ts';
import { CommandError, exitCodeOf, formatUserError, UserError } from '../../src/errors/user-error.ts';
import { ScriptError } from '../../src/postgres/run-script.ts';
import { SchemaSourceError } from '../../src/project/schema-source.ts';
import { UnmappedTypeError } from '../../src/codegen/generate-types.ts';

describe('one error model', () => {
  it('every user-facing error is a UserError, printed as its message and hint, without a stack', () => {
    const errors = [
      new ConfigError('PORT: must be a whole number'),
      new CommandError('nothing to apply', 2),
      new ScriptError('schema.sql:3: syntax error', 'schema.sql'),
      new SchemaSourceError('schema.sql holds data'),
      new UnmappedTypeError('hstore has no TypeScript type'),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(UserError);
      expect(formatUserError(error)).toBe(error.message);
      expect(formatUserError(error)).not.toMatch(/\n\s+at /);
    }
    expect(formatUserError(new UserError('a', { hint: 'do b' }))).toBe('a\ndo b');
  });

  it('anything else is a bug and keeps its stack', () => {
    const bug = new TypeError('cannot read properties of undefined');
    expect(formatUserError(bug)).toMatch(/^TypeError: cannot read[\s\S]*\n\s+at /);
    expect(exitCodeOf(bug)).toBe(1);
  });

  it('exit codes: 2 for a command used wrongly, 1 otherwise, as the error says', () => {
    expect(exitCodeOf(new CommandError('usage', 2))).toBe(2);
    expect(new CommandError('usage', 2).code).toBe('USAGE');
    expect(exitCodeOf(new UserError('x', { exitCode: 3 }))).toBe(3);
  });
});

describe('configuration errors say what to do', () => {
  it('a password with / makes DATABASE_URL unparsable: the message says to percent-encode it, and never shows the password', () => {
    const error = (() => {
      try {
        parseEnv({ DATABASE_URL: 'postgres://app:pa/ss@db.example.com/app' });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/DATABASE_URL: is not a valid URL\. If the user or password holds one of : \/ @/);
    expect(error.message).toMatch(/percent-encode it \(\/ is %2F/);
    expect(error.message).not.toContain('pa/ss');
  });

  it('the percent-encoded form is accepted', () => {
    expect(parseEnv({ DATABASE_URL: 'postgres://app:pa%2Fss@db.example.com/app' }).DATABASE_URL).toBe(
      'postgres://app:pa%2Fss@db.example.com/app',
    );
  });
});
