import { expect, it } from 'vitest';
import { redactSecrets } from '../src/config/redact.ts';

it.each([
  ['postgres://app:s3cret@db.example/x', 'postgres://app:***@db.example/x'],
  ['url=postgresql://neondb_owner:npg_Ab1%2F@ep-x-pooler.neon.tech/neondb?sslmode=require', 'url=postgresql://neondb_owner:***@ep-x-pooler.neon.tech/neondb?sslmode=require'],
  ['host=db user=app password=s3cret dbname=x', 'host=db user=app password=*** dbname=x'],
  ['postgres://app@db/x (no password)', 'postgres://app@db/x (no password)'],
])('redacts %s', (input, expected) => {
  expect(redactSecrets(input)).toBe(expected);
});
