import { describe, expect, it } from 'vitest';
import { timeoutSettingFindings } from '../../src/gate/timeout-settings.ts';

/** Issue 19, B11: a migration that lifts the bounded lock wait db:apply sets is named, with file:line. */
const file = (text: string) => ({ name: '20261205000000_dump.sql', path: '/nowhere', text, noTransaction: false });
const found = (text: string) => timeoutSettingFindings([file(text)]).map((f) => `${f.line} ${f.rule} ${f.level}`);

describe('gate: timeouts set inside a migration', () => {
  it("pg_dump's header: lock_timeout = 0 fails at its line, statement_timeout = 0 warns", () => {
    const dump = [
      'SET statement_timeout = 0;',
      'SET lock_timeout = 0;',
      'SET idle_in_transaction_session_timeout = 0;',
      "SET client_encoding = 'UTF8';",
      '',
      'CREATE TABLE public.t (id integer);',
    ].join('\n');
    expect(found(dump)).toEqual(['1 statement-timeout-changed warn', '2 lock-timeout-disabled fail']);
    const [, lock] = timeoutSettingFindings([file(dump)]);
    expect(lock!.message).toContain('disables the bounded lock wait');
    expect(lock!.optOut).toBe('-- bookshelf:allow lock-timeout-disabled');
  });

  it.each([
    ['SET LOCAL lock_timeout = 0;', 'lock-timeout-disabled fail'],
    ["SET lock_timeout TO '0';", 'lock-timeout-disabled fail'],
    ["SET SESSION lock_timeout = '0s';", 'lock-timeout-disabled fail'],
    ['set lock_timeout to default;', 'lock-timeout-disabled fail'],
    ['RESET lock_timeout;', 'lock-timeout-disabled fail'],
    ["SELECT set_config('lock_timeout', '0', false);", 'lock-timeout-disabled fail'],
    ["SET lock_timeout = '30s';", 'lock-timeout-changed warn'],
    ["SET statement_timeout = '5min';", 'statement-timeout-changed warn'],
  ])('%s', (statement, expected) => {
    expect(found(`CREATE TABLE t (id integer);\n${statement}\n`)).toEqual([`2 ${expected}`]);
  });

  it('RESET ALL resets both', () => {
    expect(found('RESET ALL;')).toEqual(['1 lock-timeout-disabled fail', '1 statement-timeout-changed warn']);
  });

  it('in comments and strings it is not a statement; other settings are not judged', () => {
    expect(
      found("-- SET lock_timeout = 0;\nSELECT 'SET lock_timeout = 0;';\nSET check_function_bodies = false;\nSET search_path = '';"),
    ).toEqual([]);
  });

  it('the opt-out makes it a warning', () => {
    expect(found('-- bookshelf:allow lock-timeout-disabled\nSET lock_timeout = 0;')).toEqual(['2 lock-timeout-disabled warn']);
  });
});
