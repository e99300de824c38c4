import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/project/paths.mjs';
import { runToEnd } from '../support/process.ts';

/**
 * db:sync, db:revert and db:rebase refuse what they must before touching
 * any database: no Postgres is started for these.
 */
const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
const run = (args: string[], env: Record<string, string> = {}) =>
  runToEnd(tsx, ['src/commands/main.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: '', DIRECT_DATABASE_URL: '', ATLAS_DEV_URL: '', ...env },
  });

describe('the team commands refuse bad input', () => {
  it('db:sync never touches DATABASE_URL, and does not print its password', async () => {
    const result = await run(['sync'], { DATABASE_URL: 'postgres://app:s3cret-pw@db.example.com:5432/prod' });
    expect(result.code).toBe(2);
    expect(result.output).toContain('db:sync only changes the local embedded database, never another one');
    expect(result.output).not.toContain('s3cret-pw');
  });
  it('db:revert without a version says how to call it', async () => {
    const result = await run(['revert']);
    expect(result.code).toBe(2);
    expect(result.output).toContain('Usage: npm run db:revert -- <version>');
  });
  it('db:rebase names an unknown flag and its usage', async () => {
    const result = await run(['rebase', '--onto', 'x']);
    expect(result.code).toBe(2);
    expect(result.output).toContain('Usage: npm run db:rebase -- [--base <ref>]');
  });
});
