/**
 * Turning `TimePoint`s into instants, and reading an `--as-of` argument.
 *
 * Pure and browser-safe: the only time-zone knowledge comes from `Intl`.
 *
 * Arithmetic rules (the language reference states them the same way):
 * * hours are exact (3,600 s each);
 * * days and weeks (7 days) are calendar days in the workspace time zone: the
 *   wall-clock time stays the same, so `1 day ago` across a daylight-saving
 *   change is 23 or 25 hours;
 * * months and years are calendar months in the zone, clamped to the end of the
 *   month (31 January − 1 month = 28/29 February);
 * * `today` is the start of the as-of day in the zone;
 * * a wall-clock time that does not exist (skipped by a DST change) moves forward
 *   by the gap, and an ambiguous one (repeated) takes the earlier instant — the
 *   same "compatible" rule as JavaScript's Temporal.
 *
 * @example
 * resolveTimePoint({ kind: 'relative', anchor: 'asOf', amount: 1, unit: 'month' },
 *   new Date('2026-03-31T00:00:00Z'), 'UTC') // 2026-02-28T00:00:00Z
 */
import type { TimePoint } from './ir';

const MS_HOUR = 3_600_000;
const MS_DAY = 86_400_000;

/** Wall-clock fields of an instant in a zone (month 1-12). */
interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone, which is what callers should see.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallOf(epochMs: number, timeZone: string): Wall {
  const parts = formatter(timeZone).formatToParts(new Date(epochMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  const era = parts.find((p) => p.type === 'era')?.value;
  let year = get('year');
  if (era === 'BC' || era === 'B') year = 1 - year;
  return {
    year,
    month: get('month'),
    day: get('day'),
    hour: get('hour') % 24,
    minute: get('minute'),
    second: get('second'),
    ms: ((epochMs % 1000) + 1000) % 1000,
  };
}

/** Milliseconds to add to UTC to get the zone's wall clock at this instant. */
function offsetAt(epochMs: number, timeZone: string): number {
  const w = wallOf(epochMs, timeZone);
  return wallAsUtc(w) - epochMs;
}

function wallAsUtc(w: Wall): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, w.ms);
  return d.getTime();
}

/** The instant at which the zone's wall clock shows `w` (Temporal's "compatible" disambiguation). */
function instantOfWall(w: Wall, timeZone: string): number {
  const utc = wallAsUtc(w);
  // Offsets on either side of the wall time; a zone changes offset at most once in such a span.
  const before = offsetAt(utc - MS_DAY, timeZone);
  const after = offsetAt(utc + MS_DAY, timeZone);
  const valid = [...new Set([before, after])]
    .map((offset) => utc - offset)
    .filter((instant) => wallAsUtc(wallOf(instant, timeZone)) === utc);
  if (valid.length > 0) return Math.min(...valid);
  // A wall time skipped by a DST change: move forward by the gap.
  return utc - before;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function startOfDay(epochMs: number, timeZone: string): number {
  const w = wallOf(epochMs, timeZone);
  return instantOfWall({ ...w, hour: 0, minute: 0, second: 0, ms: 0 }, timeZone);
}

function minusCalendar(anchorMs: number, amount: number, unit: 'day' | 'month', timeZone: string): number {
  const w = wallOf(anchorMs, timeZone);
  if (unit === 'day') {
    const whole = Math.trunc(amount);
    const shifted = new Date(Date.UTC(w.year, w.month - 1, w.day - whole));
    const target = { ...w, year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
    // A fractional day (rare: `1.5 days`) is exact time on top of the calendar days.
    return instantOfWall(target, timeZone) - Math.round((amount - whole) * MS_DAY);
  }
  if (!Number.isInteger(amount)) throw new RangeError(`a number of months or years must be whole, got ${amount}`);
  const monthIndex = w.year * 12 + (w.month - 1) - amount;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  const day = Math.min(w.day, daysInMonth(year, month));
  return instantOfWall({ ...w, year, month, day }, timeZone);
}

/**
 * The instant a time point stands for, for a run as of `asOf` in `timeZone`.
 *
 * @example
 * resolveTimePoint({ kind: 'relative', anchor: 'today', amount: 0, unit: 'day' },
 *   new Date('2026-11-22T15:00:00Z'), 'Australia/Sydney') // 2026-11-22T13:00:00Z (midnight 23 Nov in Sydney)
 */
export function resolveTimePoint(point: TimePoint, asOf: Date, timeZone: string): Date {
  if (point.kind === 'fixed') return new Date(parseInstant(point.value, timeZone, point.date));
  const asOfMs = asOf.getTime();
  if (Number.isNaN(asOfMs)) throw new RangeError('as-of time is not a valid date');
  const anchor = point.anchor === 'today' ? startOfDay(asOfMs, timeZone) : asOfMs;
  switch (point.unit) {
    case 'hour':
      return new Date(anchor - Math.round(point.amount * MS_HOUR));
    case 'day':
      return new Date(minusCalendar(anchor, point.amount, 'day', timeZone));
    case 'week':
      return new Date(minusCalendar(anchor, point.amount * 7, 'day', timeZone));
    case 'month':
      return new Date(minusCalendar(anchor, point.amount, 'month', timeZone));
    case 'year':
      return new Date(minusCalendar(anchor, point.amount * 12, 'month', timeZone));
  }
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function checkedWall(y: string, mo: string, d: string, h = '0', mi = '0', s = '0', frac = ''): Wall {
  const wall: Wall = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: Number(s),
    ms: frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0,
  };
  if (
    wall.month < 1 || wall.month > 12 || wall.day < 1 || wall.day > daysInMonth(wall.year, wall.month) ||
    wall.hour > 23 || wall.minute > 59 || wall.second > 59
  ) {
    throw new RangeError('not a valid calendar date or time');
  }
  return wall;
}

function parseInstant(text: string, timeZone: string, dateOnly = false): number {
  const trimmed = text.trim();
  const date = DATE_RE.exec(trimmed);
  if (date) return instantOfWall(checkedWall(date[1]!, date[2]!, date[3]!), timeZone);
  const m = INSTANT_RE.exec(trimmed);
  if (!m) throw new RangeError(`"${text}" is not a date (YYYY-MM-DD) or an ISO-8601 time`);
  const wall = checkedWall(m[1]!, m[2]!, m[3]!, m[4], m[5], m[6], m[7]);
  if (dateOnly) return instantOfWall({ ...wall, hour: 0, minute: 0, second: 0, ms: 0 }, timeZone);
  const zone = m[8];
  if (!zone) return instantOfWall(wall, timeZone);
  if (zone.toUpperCase() === 'Z') return wallAsUtc(wall);
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
  return wallAsUtc(wall) - offset;
}

/**
 * Reads an as-of argument: a date (`2026-11-22`) is the start of that day in the zone;
 * a time without an offset (`2026-11-22T06:00`) is wall-clock time in the zone; a time
 * with `Z` or an offset is that instant. Throws a RangeError for anything else.
 *
 * @example parseAsOf('2026-11-22', 'Australia/Sydney') // 2026-11-21T13:00:00.000Z
 */
export function parseAsOf(text: string, timeZone: string): Date {
  formatter(timeZone); // unknown zone → RangeError before anything else
  return new Date(parseInstant(text, timeZone));
}
