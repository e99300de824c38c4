import { describe, expect, it } from 'vitest';
import { logBuffer } from '../../src/config/logger.ts';
import { runEntrypoint } from '../support/process.ts';

/**
 * The server's log lines are written in batches (src/config/logger.ts); a
 * batch must still reach stdout however the process ends, and a quiet
 * server's line must not wait for the next batch.
 */
const requestLines = (output: string) => output.split('\n').filter((line) => line.includes('"msg":"request"'));

describe('request log lines are never lost', () => {
  // Fewer bytes than one batch, so only the end-of-process flush can write them.
  const lines = 10;

  it.each(['throw', 'exit'])('%s: every line logged before the process ended is on stdout', async (how) => {
    const child = runEntrypoint('test/fixtures/log-then.ts', { HOW: how, LINES: String(lines) });
    const { code } = await child.exited;
    expect(code).toBe(1);
    if (how === 'throw') expect(child.stderr()).toContain('crash after logging');
    expect(requestLines(child.output())).toHaveLength(lines);
  });

  it('SIGTERM: every line is on stdout after the clean exit', async () => {
    const child = runEntrypoint('test/fixtures/log-then.ts', { HOW: 'sigterm', LINES: String(lines) });
    await child.waitFor(/^ready$/);
    child.child.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(requestLines(child.output())).toHaveLength(lines);
  });

  it(`a quiet process: one line reaches stdout within the flush interval (${logBuffer.flushMs} ms), without waiting for a full batch`, async () => {
    const child = runEntrypoint('test/fixtures/log-then.ts', { HOW: 'wait', LINES: '1' });
    try {
      await child.waitFor(/^ready$/);
      // Generous against a slow machine; without the periodic flush the line never comes while the process lives.
      await child.waitFor(/"msg":"request"/, 5_000);
      expect(requestLines(child.output())).toHaveLength(1);
    } finally {
      child.child.kill('SIGKILL');
    }
  });
});
