import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, inject, it, vi } from 'vitest';
import { typesFromMigrations } from '../../src/commands/db-types.ts';
import { createDatabase, dropDatabase } from '../support/postgres.ts';
import { scratchRepo } from '../support/scratch-repo.ts';

/**
 * `npm run db:types` says what it does in one line, instead of echoing every
 * statement of every migration Atlas replays on the scratch database.
 */
const adminUrl = inject('adminUrl');
let dev: string;
const repo = scratchRepo();

beforeAll(async () => {
  dev = await createDatabase(adminUrl, { empty: true });
});
afterAll(async () => {
  await dropDatabase(adminUrl, dev);
  repo.dispose();
});

it('prints a progress line, not the replayed migrations', { timeout: 120_000 }, async () => {
  const printed: string[] = [];
  const keep = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
  const log = vi.spyOn(console, 'log').mockImplementation(keep);
  const warn = vi.spyOn(console, 'warn').mockImplementation(keep);
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => printed.push(String(chunk)) > 0);
  try {
    await typesFromMigrations(dev, repo.file('src', 'db'), true, repo.root);
  } finally {
    log.mockRestore();
    warn.mockRestore();
    write.mockRestore();
  }
  const text = printed.join('\n');
  expect(text).toContain('Replaying 2 migrations on the scratch database for the types...');
  expect(text).not.toMatch(/CREATE TABLE|ALTER TABLE|Migrating to version/);
  expect(readFileSync(repo.file('src', 'db', 'zapatos', 'schema.d.ts'), 'utf8')).toContain('export namespace authors {');
});
