import { describe, expect, it } from 'vitest';
import { arbitrate, holdoutFraction, isHeldOut } from '../src/index';

describe('holdout draw', () => {
  it('is a fixed function of plan and key', () => {
    expect(holdoutFraction('weekly_email', 'c1')).toBe(holdoutFraction('weekly_email', 'c1'));
    expect(holdoutFraction('weekly_email', 'c1')).not.toBe(holdoutFraction('other_plan', 'c1'));
    // Pinned values: a change here changes every customer's control group.
    expect(holdoutFraction('weekly_email', 'c1').toFixed(8)).toMatchInlineSnapshot(`"0.24940329"`);
    expect(holdoutFraction('p', 'ü').toFixed(8)).toMatchInlineSnapshot(`"0.81358726"`);
  });

  it('holds out close to the share, also for similar keys', () => {
    const keys = Array.from({ length: 20000 }, (_, i) => `c${i}`);
    const held = keys.filter((k) => isHeldOut('weekly_email', k, 0.1)).length;
    expect(held / keys.length).toBeGreaterThan(0.09);
    expect(held / keys.length).toBeLessThan(0.11);
    expect(keys.filter((k) => isHeldOut('weekly_email', k, 0)).length).toBe(0);
  });
});

describe('arbitration', () => {
  const c = (customerKey: string, offer: string, score: number, category: string | null = null, cap: number | null = null) => ({
    customerKey,
    offer,
    score,
    category,
    cap,
  });

  it('gives a capped offer to the customers it scores highest for, who lose it get their next best', () => {
    const result = arbitrate(
      [c('a', 'gold', 0.9, 'x', 1), c('b', 'gold', 0.8, 'x', 1), c('b', 'silver', 0.5, 'y'), c('a', 'silver', 0.4, 'y')],
      { top: 1 },
    );
    expect(result.map((r) => [r.customerKey, r.offer, r.rank])).toEqual([
      ['a', 'gold', 1],
      ['b', 'silver', 1],
    ]);
  });

  it('keeps top N per customer with at most M per category, ties by offer name then customer', () => {
    const result = arbitrate(
      [c('a', 'o3', 1, 'x'), c('a', 'o2', 1, 'x'), c('a', 'o1', 0.5, 'y'), c('a', 'o4', 0.1, null), c('b', 'o2', 1, 'x', 1), c('a', 'o5', 0.2, null)],
      { top: 3, perCategory: 1 },
    );
    expect(result.map((r) => [r.customerKey, r.offer, r.rank])).toEqual([
      ['a', 'o2', 1],
      ['a', 'o1', 2],
      ['a', 'o5', 3],
    ]);
  });
});
