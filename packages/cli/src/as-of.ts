import { parseAsOf } from '@seg/core';
import { UsageError } from './usage-error';

/**
 * The as-of time of a command: `--as-of` (a date is the start of that day in the
 * workspace's time zone), else now.
 */
export function asOfFromFlag(flag: string | undefined, timeZone: string, now: () => Date = () => new Date()): Date {
  if (flag === undefined) return now();
  try {
    return parseAsOf(flag, timeZone);
  } catch {
    throw new UsageError(`--as-of must be a date (2026-11-22) or a timestamp (2026-11-22T06:00:00Z), not "${flag}"`);
  }
}
