import { UsageError } from './usage-error';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/**
 * A flag's list of durations, `30s,2m,8m` (units ms, s, m or min, h; a bare
 * number is seconds), in milliseconds; `none` is the empty list.
 */
export function durationList(flag: string, value: string): number[] {
  if (value.trim() === 'none') return [];
  return value.split(',').map((part) => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m|h)?\s*$/.exec(part);
    if (!match) throw new UsageError(`--${flag} takes durations like 30s,2m,8m (or none), not "${value}"`);
    return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 's']!);
  });
}
