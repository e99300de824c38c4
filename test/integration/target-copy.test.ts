import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withTargetCopy } from '../../src/project-check/report/target-copy.ts';
import { adminQuery, createDatabase, dropDatabase } from '../support/postgres.ts';
import { runDbCheck } from '../support/scratch-repo.ts';

/** The rehearsal's throw-away copy of the target (CREATE DATABASE … TEMPLATE), and when it cannot be made. */
const adminUrl = inject('adminUrl');
let target: string;

beforeAll(async () => {
  target = await createDatabase(adminUrl);
  await adminQuery(target, `INSERT INTO authors (name) VALUES ('N. K. Jemisin')`);
});
afterAll(async () => {
  await dropDatabase(adminUrl, target);
});

const copies = async () => (await adminQuery(adminUrl, `SELECT datname FROM pg_database WHERE datname LIKE '%\\_rehearsal\\_%'`)).rows;

describe('the copy of the target', () => {
  it('holds the target’s rows, takes writes the target never sees, and is dropped afterwards', async () => {
    const seen = await withTargetCopy(target, async (copy) => {
      expect(new URL(copy).pathname).toMatch(/_rehearsal_[0-9a-f]{8}$/);
      await adminQuery(copy, `ALTER TABLE authors DROP COLUMN bio`);
      return (await adminQuery(copy, 'SELECT name FROM authors')).rows;
    });
    expect(seen).toEqual([{ name: 'N. K. Jemisin' }]);
    expect(await copies()).toEqual([]);
    const { rowCount } = await adminQuery(
      target,
      `SELECT 1 FROM information_schema.columns WHERE table_name = 'authors' AND column_name = 'bio'`,
    );
    expect(rowCount).toBe(1);
  });

  it('with another session on the target, says why and to give a copy with --rehearse-on, and runs nothing', async () => {
    const other = new pg.Client({ connectionString: target });
    other.on('error', () => {}); // ended by the test itself, or by afterAll's DROP DATABASE … WITH (FORCE)
    await other.connect();
    try {
      let ran = false;
      const error = await withTargetCopy(target, async () => {
        ran = true;
      }).catch((e: Error) => e);
      expect((error as Error).message).toMatch(/other sessions are connected to it .*--rehearse-on <url>/);
      expect(ran).toBe(false);
      expect(await copies()).toEqual([]);
    } finally {
      await other.end();
    }
  }, 120_000); // Postgres waits 5 s for the other session, twice

  it('--rehearse-on without --report or --json is refused with the usage (exit 2)', async () => {
    const run = await runDbCheck(['--rehearse-on', target]);
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/--rehearse-on is for the review report: add --report <file\.md> or --json <file>/);
    expect(run.output).toContain('Usage: npm run db:check');
    expect(run.output).not.toContain(`:${new URL(target).password}@`);
  });
});
