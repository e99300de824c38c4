import { expect, it } from 'vitest';
import { redactSecrets } from '../../src/config/redact.ts';

it.each([
  ['postgres://app:s3cret@db.example/x', 'postgres://app:***@db.example/x'],
  [
    'url=postgresql://neondb_owner:npg_Ab1%2F@ep-x-pooler.neon.tech/neondb?sslmode=require',
    'url=postgresql://neondb_owner:***@ep-x-pooler.neon.tech/neondb?sslmode=require',
  ],
  ['host=db user=app password=s3cret dbname=x', 'host=db user=app password=*** dbname=x'],
  ['postgres://app@db/x (no password)', 'postgres://app@db/x (no password)'],
  // Nothing to hide: hosts, ports, IPv6, multi-host lists, paths and text around them stay.
  ['postgres://db:5432/x?sslmode=disable is down', 'postgres://db:5432/x?sslmode=disable is down'],
  ['postgres://[::1]:5432,h2:5433/x, ask admin@example.com', 'postgres://[::1]:5432,h2:5433/x, ask admin@example.com'],
  ['see https://example.com/docs#tls', 'see https://example.com/docs#tls'],
])('redacts %s', (input, expected) => {
  expect(redactSecrets(input)).toBe(expected);
});

/**
 * Passwords people really write, unescaped: each must vanish completely, in
 * every setting a URL is printed in. The secret parts are the words holding
 * "hunter", "pw" or "secret".
 */
const passwords = [
  'hunter@secret2', // the reported case: an unescaped `@`
  'hunter/secret2',
  'hunter?secret2',
  'hunter#secret2',
  'hunter:secret2',
  'hunter%40secret2', // percent-escaped
  'hunter@/?#:%2Fsecret2',
  'hunter secret2', // a space
  `hunter'secret2`, // a quote, shell-escaped by the echo of the Atlas command line
  'hunter"secret2', // a double quote, escaped inside JSON
];

const settings: [string, (url: string) => string][] = [
  ['alone', (url) => url],
  ['in text', (url) => `error: could not connect to ${url} (connection refused)`],
  ['in a JSON log line', (url) => JSON.stringify({ level: 50, url, msg: 'serving' })],
  ['shell-quoted', (url) => `$ atlas migrate apply --url '${url.replace(/'/g, `'\\''`)}' --dir file://migrations`],
  ['in an error with a second line', (url) => `connect ${url}\n  at admin@example.com`],
];

it.each(passwords.flatMap((password) => settings.map(([where, wrap]) => [password, where, wrap] as const)))(
  'hides the password %j %s',
  (password, _where, wrap) => {
    const printed = redactSecrets(wrap(`postgresql://u:${password}@db.example:5432/app?sslmode=require`));
    expect(printed).not.toMatch(/hunter|secret2/);
    expect(printed).toContain('***@db.example:5432/app?sslmode=require');
    expect(printed).toContain('://u:***@'); // the user stays, so the line still says who
  },
);

it.each([
  // No user: nothing before the `:`.
  ['postgres://:pw-secret@host/db', 'postgres://:***@host/db'],
  // A user name that is itself ambiguous (holds an `@`): the whole userinfo goes.
  ['postgres://me@corp:pw-secret@host/db', 'postgres://***@host/db'],
  // A `user:password` with no host at all.
  ['postgres://u:pw-secret', 'postgres://u:***'],
  // A second URL inside the first one's query is hidden with it.
  ['postgres://u:pw-secret@host/db?next=https://x:pw-secret@y', 'postgres://u:***@y'],
  // Two URLs in one line, one inside a JSON string.
  [
    '{"app":"postgres://a:pw-secret@h1/db","direct":"postgres://b:pw-secret@h2/db"}',
    '{"app":"postgres://a:***@h1/db","direct":"postgres://b:***@h2/db"}',
  ],
  // libpq keyword strings, quoted and not; environment lines.
  [`host=db password='pw secret' user=app`, 'host=db password=*** user=app'],
  ['PGPASSWORD=pw-secret psql', 'PGPASSWORD=*** psql'],
])('redacts %s', (input, expected) => {
  expect(redactSecrets(input)).toBe(expected);
});
