import { expect, it } from 'vitest';
import { formatTraceParent, newSpanId, newTraceId, parseTraceParent } from '../../src/http/traceparent.ts';
import { formatLsn, parseLsn } from '../../src/db/read-replicas.ts';

it('parses a version-00 traceparent and writes it back the same', () => {
  const header = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const parsed = parseTraceParent(header);
  expect(parsed).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', flags: 1 });
  expect(formatTraceParent(parsed!)).toBe(header);
});

it('a later version is read by its first four fields; version 00 with more fields, ff, zero ids, upper case are not', () => {
  expect(parseTraceParent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra')?.traceId).toBe(
    '4bf92f3577b34da6a3ce929d0e0e4736',
  );
  for (const bad of [
    '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra',
    'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
    '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7',
    undefined,
  ]) {
    expect(parseTraceParent(bad)).toBeUndefined();
  }
  expect(parseTraceParent(['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'])).toBeUndefined();
});

it('new ids are lower-case hex of the right length, not zero, and differ', () => {
  const ids = new Set(Array.from({ length: 100 }, () => newTraceId()));
  expect(ids.size).toBe(100);
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
  expect(newSpanId()).toMatch(/^[0-9a-f]{16}$/);
});

it('WAL positions: pg_lsn text to bytes and back; anything else is refused', () => {
  expect(parseLsn('0/16B3748')).toBe(0x16b3748n);
  expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
  expect(formatLsn(parseLsn('16/B374D848')!)).toBe('16/B374D848');
  for (const bad of ['', '0/', '/1', '1/2/3', '0/123456789', 'G/1', '0/1 ']) expect(parseLsn(bad)).toBeUndefined();
});
