/**
 * Scheduled times of a plan (croner, in the schedule's time zone): the next
 * time after an instant, and the last one at or before it (what the scheduler
 * catches up on start-up). Expected instants are worked out by hand from the
 * zones' offsets (Sydney: AEST +10 from the first Sunday of April, AEDT +11
 * from the first Sunday of October; Kolkata +05:30 all year).
 */
import { describe, expect, it } from 'vitest';
import { ScheduleTimes } from '../../packages/runtime/src/schedule/cron-times';

const at = (iso: string) => new Date(iso);
const weekly = new ScheduleTimes('weekly_email', { cron: '0 6 * * MON', timezone: 'Australia/Sydney' });

describe('ScheduleTimes', () => {
  it('finds the last Monday 06:00 in Sydney before an instant', () => {
    // Monday 2026-05-04 10:00 AEST: this morning's 06:00 AEST.
    expect(weekly.last(at('2026-05-04T00:00:00Z'))).toEqual(at('2026-05-03T20:00:00Z'));
    // One second before it: the Monday before.
    expect(weekly.last(at('2026-05-03T19:59:59Z'))).toEqual(at('2026-04-26T20:00:00Z'));
    // Exactly at a scheduled time: that time.
    expect(weekly.last(at('2026-05-03T20:00:00Z'))).toEqual(at('2026-05-03T20:00:00Z'));
    // After daylight saving starts (2026-10-04), 06:00 is 19:00 UTC the day before.
    expect(weekly.last(at('2026-10-06T00:00:00Z'))).toEqual(at('2026-10-04T19:00:00Z'));
  });

  it('finds the next time strictly after an instant', () => {
    expect(weekly.next(at('2026-05-03T20:00:00Z'))).toEqual(at('2026-05-10T20:00:00Z'));
    expect(weekly.next(at('2026-05-03T19:59:59.999Z'))).toEqual(at('2026-05-03T20:00:00Z'));
  });

  it('reads six fields as seconds first, and zones with half-hour offsets', () => {
    const everySecond = new ScheduleTimes('ticker', { cron: '* * * * * *', timezone: 'UTC' });
    expect(everySecond.last(at('2026-05-04T12:00:00.500Z'))).toEqual(at('2026-05-04T12:00:00Z'));
    expect(everySecond.next(at('2026-05-04T12:00:00.500Z'))).toEqual(at('2026-05-04T12:00:01Z'));
    const kolkata = new ScheduleTimes('daily', { cron: '0 6 * * *', timezone: 'Asia/Kolkata' });
    // 06:00 IST is 00:30 UTC.
    expect(kolkata.last(at('2026-05-04T00:29:59Z'))).toEqual(at('2026-05-03T00:30:00Z'));
    expect(kolkata.last(at('2026-05-04T00:30:01Z'))).toEqual(at('2026-05-04T00:30:00Z'));
  });

  it('looks back as far as a yearly schedule needs', () => {
    const yearly = new ScheduleTimes('new_year', { cron: '0 0 1 1 *', timezone: 'UTC' });
    expect(yearly.last(at('2026-06-15T12:00:00Z'))).toEqual(at('2026-01-01T00:00:00Z'));
    expect(yearly.last(at('2025-12-31T23:59:59Z'))).toEqual(at('2025-01-01T00:00:00Z'));
  });

  it('names the plan when its schedule cannot be read', () => {
    expect(() => new ScheduleTimes('weekly_email', { cron: '0 6 * *', timezone: 'UTC' })).toThrow(/^plan weekly_email: schedule "0 6 \* \*" in "UTC": /);
    expect(() => new ScheduleTimes('weekly_email', { cron: '0 6 * * MON', timezone: 'Mars/Olympus' })).toThrow(/plan weekly_email: .*Mars\/Olympus/);
  });
});
