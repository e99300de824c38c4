import { describe, expect, it } from 'vitest';
import { sixDigitTimestamps } from '../../src/http/timestamps.ts';

/** src/http/timestamps.ts on JSON text as Postgres and JSON.stringify write it. */
describe('sixDigitTimestamps', () => {
  const names = ['created_at', 'seen'];
  it('pads 0–5 fractional digits to 6, with or without an offset', () => {
    expect(
      sixDigitTimestamps(
        '[{"id":1,"created_at":"2026-11-25T23:42:34.5453+00:00"},{"id":2,"created_at":"2026-11-25T23:42:34+05:30"}]',
        names,
      ),
    ).toBe('[{"id":1,"created_at":"2026-11-25T23:42:34.545300+00:00"},{"id":2,"created_at":"2026-11-25T23:42:34.000000+05:30"}]');
    expect(sixDigitTimestamps('{"seen":"2026-11-25T23:42:34.1"}', names)).toBe('{"seen":"2026-11-25T23:42:34.100000"}');
    expect(sixDigitTimestamps('{"seen":"2026-11-25T23:42:34.123456Z"}', names)).toBe('{"seen":"2026-11-25T23:42:34.123456Z"}');
  });

  it('leaves other columns, values that are not a timestamp as a whole, and text inside strings as they are', () => {
    const untouched = [
      '{"note":"2026-11-25T23:42:34.5+00:00"}',
      '{"created_at":"infinity"}',
      '{"created_at":null}',
      '{"title":"x\\",\\"created_at\\":\\"2026-11-25T23:42:34.5"}',
      '{"created_at":"2026-11-25T23:42:34.5 and more"}',
    ];
    for (const text of untouched) expect(sixDigitTimestamps(text, names)).toBe(text);
  });

  it('knows the timestamp columns of the generated shapes (authors.created_at)', () => {
    expect(sixDigitTimestamps('{"created_at":"2026-11-25T23:42:34.54+00:00"}')).toBe('{"created_at":"2026-11-25T23:42:34.540000+00:00"}');
  });
});
