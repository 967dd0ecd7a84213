import { describe, expect, it } from 'vitest';
import { parseAsOf, resolveTimePoint } from '../../src/model/time-points';
import type { TimePoint, TimeUnit } from '../../src/model/ir';

const ago = (amount: number, unit: TimeUnit, anchor: 'asOf' | 'today' = 'asOf'): TimePoint => ({
  kind: 'relative',
  anchor,
  amount,
  unit,
});
const iso = (d: Date) => d.toISOString();

describe('resolveTimePoint in UTC', () => {
  const asOf = new Date('2026-03-31T10:30:00Z');

  it('subtracts exact hours', () => {
    expect(iso(resolveTimePoint(ago(12, 'hour'), asOf, 'UTC'))).toBe('2026-03-30T22:30:00.000Z');
  });

  it('subtracts calendar months, clamped to the end of the month', () => {
    expect(iso(resolveTimePoint(ago(1, 'month'), asOf, 'UTC'))).toBe('2026-02-28T10:30:00.000Z');
    expect(iso(resolveTimePoint(ago(1, 'month'), new Date('2028-03-31T00:00:00Z'), 'UTC'))).toBe(
      '2028-02-29T00:00:00.000Z',
    );
    expect(iso(resolveTimePoint(ago(12, 'month'), asOf, 'UTC'))).toBe('2025-03-31T10:30:00.000Z');
    expect(iso(resolveTimePoint(ago(13, 'month'), asOf, 'UTC'))).toBe('2025-02-28T10:30:00.000Z');
  });

  it('subtracts years as twelve months (29 Feb → 28 Feb)', () => {
    expect(iso(resolveTimePoint(ago(1, 'year'), new Date('2028-02-29T05:00:00Z'), 'UTC'))).toBe(
      '2027-02-28T05:00:00.000Z',
    );
  });

  it('treats weeks as seven days', () => {
    expect(iso(resolveTimePoint(ago(2, 'week'), asOf, 'UTC'))).toBe('2026-03-17T10:30:00.000Z');
  });

  it('anchors `today` at the start of the as-of day', () => {
    expect(iso(resolveTimePoint(ago(0, 'day', 'today'), asOf, 'UTC'))).toBe('2026-03-31T00:00:00.000Z');
    expect(iso(resolveTimePoint(ago(30, 'day', 'today'), asOf, 'UTC'))).toBe('2026-03-01T00:00:00.000Z');
  });

  it('reads fixed dates as the start of the day in the zone, and instants as given', () => {
    expect(iso(resolveTimePoint({ kind: 'fixed', value: '2026-11-01', date: true }, asOf, 'UTC'))).toBe(
      '2026-11-01T00:00:00.000Z',
    );
    expect(
      iso(resolveTimePoint({ kind: 'fixed', value: '2026-11-01T06:00:00+11:00', date: false }, asOf, 'UTC')),
    ).toBe('2026-10-31T19:00:00.000Z');
  });
});

describe('resolveTimePoint across daylight saving', () => {
  it('keeps the wall clock for days in Sydney (DST ends 5 April 2026, 03:00 → 02:00)', () => {
    // As of 6 April 2026 09:00 AEST (+10) = 2026-04-05T23:00Z.
    const asOf = new Date('2026-04-05T23:00:00Z');
    // One day earlier: 5 April 09:00 AEST (+10) = 2026-04-04T23:00Z — 24h before.
    expect(iso(resolveTimePoint(ago(1, 'day'), asOf, 'Australia/Sydney'))).toBe('2026-04-04T23:00:00.000Z');
    // Two days earlier: 4 April 09:00 AEDT (+11) = 2026-04-03T22:00Z — 49 hours before.
    expect(iso(resolveTimePoint(ago(2, 'day'), asOf, 'Australia/Sydney'))).toBe('2026-04-03T22:00:00.000Z');
    // Hours stay exact.
    expect(iso(resolveTimePoint(ago(48, 'hour'), asOf, 'Australia/Sydney'))).toBe('2026-04-03T23:00:00.000Z');
  });

  it('finds the start of a Sydney day in summer time', () => {
    // 2026-11-22T15:00Z is 23 Nov 02:00 AEDT; the day started at 22 Nov 13:00Z.
    const asOf = new Date('2026-11-22T15:00:00Z');
    expect(iso(resolveTimePoint(ago(0, 'day', 'today'), asOf, 'Australia/Sydney'))).toBe(
      '2026-11-22T13:00:00.000Z',
    );
  });

  it('handles New York spring forward and fall back', () => {
    // 9 March 2026 12:00 EDT (-4) = 16:00Z; a day earlier is 8 March 12:00 EDT = 16:00Z (23h before).
    const asOf = new Date('2026-03-09T16:00:00Z');
    expect(iso(resolveTimePoint(ago(1, 'day'), asOf, 'America/New_York'))).toBe('2026-03-08T16:00:00.000Z');
    // Two days: 7 March 12:00 EST (-5) = 17:00Z.
    expect(iso(resolveTimePoint(ago(2, 'day'), asOf, 'America/New_York'))).toBe('2026-03-07T17:00:00.000Z');
    // 8 March 02:30 does not exist: moving 1 day back from 9 March 02:30 EDT lands at 03:30 EDT.
    const earlyMorning = new Date('2026-03-09T06:30:00Z');
    expect(iso(resolveTimePoint(ago(1, 'day'), earlyMorning, 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
    // 1 November 01:30 happens twice: the earlier (EDT, 05:30Z) is taken.
    const afterFallBack = new Date('2026-11-02T06:30:00Z'); // 2 Nov 01:30 EST
    expect(iso(resolveTimePoint(ago(1, 'day'), afterFallBack, 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z');
  });

  it('moves calendar months in the zone', () => {
    // 31 March 2026 00:30 AEDT (+11) = 30 March 13:30Z; one month back: 28 Feb 00:30 AEDT = 27 Feb 13:30Z.
    const asOf = new Date('2026-03-30T13:30:00Z');
    expect(iso(resolveTimePoint(ago(1, 'month'), asOf, 'Australia/Sydney'))).toBe('2026-02-27T13:30:00.000Z');
    // In UTC the same instant is 30 March, so one month back is 28 Feb (clamped) 13:30Z.
    expect(iso(resolveTimePoint(ago(1, 'month'), asOf, 'UTC'))).toBe('2026-02-28T13:30:00.000Z');
  });

  it('reads fixed dates in the workspace zone', () => {
    const asOf = new Date('2026-12-01T00:00:00Z');
    expect(
      iso(resolveTimePoint({ kind: 'fixed', value: '2026-11-01', date: true }, asOf, 'Australia/Sydney')),
    ).toBe('2026-10-31T13:00:00.000Z');
    expect(
      iso(resolveTimePoint({ kind: 'fixed', value: '2026-07-01', date: true }, asOf, 'America/New_York')),
    ).toBe('2026-07-01T04:00:00.000Z');
  });
});

describe('parseAsOf', () => {
  it('reads a date as the start of that day in the zone', () => {
    expect(iso(parseAsOf('2026-11-22', 'UTC'))).toBe('2026-11-22T00:00:00.000Z');
    expect(iso(parseAsOf('2026-11-22', 'Australia/Sydney'))).toBe('2026-11-21T13:00:00.000Z');
    expect(iso(parseAsOf('2026-01-15', 'America/New_York'))).toBe('2026-01-15T05:00:00.000Z');
  });

  it('reads times with and without offsets', () => {
    expect(iso(parseAsOf('2026-11-22T06:00:00Z', 'Australia/Sydney'))).toBe('2026-11-22T06:00:00.000Z');
    expect(iso(parseAsOf('2026-11-22T06:00', 'Australia/Sydney'))).toBe('2026-11-21T19:00:00.000Z');
    expect(iso(parseAsOf('2026-11-22T06:00:00.250-05:00', 'UTC'))).toBe('2026-11-22T11:00:00.250Z');
  });

  it('rejects nonsense', () => {
    expect(() => parseAsOf('yesterday', 'UTC')).toThrow(RangeError);
    expect(() => parseAsOf('2026-02-30', 'UTC')).toThrow(RangeError);
    expect(() => parseAsOf('2026-11-22', 'Mars/Olympus')).toThrow(RangeError);
  });
});
