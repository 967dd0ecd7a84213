/** The reference evaluator's arithmetic helpers, checked against numpy and known distances. */
import { describe, expect, it } from 'vitest';
import { haversineKm, instantMs, quantile, roundHalfAwayFromZero } from './evaluator';

describe('reference helpers', () => {
  it('quantile interpolates linearly like numpy.quantile', () => {
    // numpy.quantile([10,20,20,20,30,40,50], [.2,.4,.6,.8]) = [20, 20, 26, 38]
    const sorted = [10, 20, 20, 20, 30, 40, 50];
    expect([1, 2, 3, 4].map((k) => quantile(sorted, k, 5))).toEqual([20, 20, 26, 38]);
    // numpy.quantile(range(1, 11), .1) = 1.9
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 1, 10)).toBeCloseTo(1.9, 12);
    // 29% of 101 sorted values is exactly the 30th value (floating point says 28.999…)
    const hundredAndOne = Array.from({ length: 101 }, (_, i) => i * 10);
    expect(quantile(hundredAndOne, 29, 100)).toBe(290);
    expect(quantile([7], 4, 5)).toBe(7);
  });

  it('haversine: Sydney–Melbourne is about 713.4 km', () => {
    expect(haversineKm(-33.8688, 151.2093, -37.8136, 144.9631)).toBeCloseTo(713.4275, 3);
    expect(haversineKm(0, 0, 0, 0)).toBe(0);
  });

  it('rounds half away from zero', () => {
    expect(roundHalfAwayFromZero(2.25, 1)).toBe(2.3);
    expect(roundHalfAwayFromZero(-2.5, 0)).toBe(-3);
  });

  it('reads stored time values: dates in the zone, naive timestamps as UTC, numbers as epoch seconds', () => {
    expect(instantMs('2026-03-01', 'Australia/Sydney')).toBe(Date.parse('2026-02-28T13:00:00Z'));
    expect(instantMs('2026-03-01 10:00:00', 'Australia/Sydney')).toBe(Date.parse('2026-03-01T10:00:00Z'));
    expect(instantMs('2026-03-01T10:00:00+10:00', 'UTC')).toBe(Date.parse('2026-03-01T00:00:00Z'));
    expect(instantMs(1_772_323_200, 'UTC')).toBe(Date.parse('2026-03-01T00:00:00Z'));
  });
});
