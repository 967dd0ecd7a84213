import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from '../../src/check/did-you-mean';

describe('did you mean', () => {
  it('counts swaps of neighbouring letters as one edit', () => {
    expect(editDistance('totl', 'total')).toBe(1);
    expect(editDistance('wieght', 'weight')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('picks the closest name within a distance that grows with the name', () => {
    expect(closestName('totl', ['customer', 'total', 'channel'])).toBe('total');
    expect(closestName('xyz', ['total'])).toBeUndefined();
    expect(closestName('ab', ['ac', 'ad'])).toBe('ac');
    expect(closestName('Store', ['web', 'store', 'app'])).toBe('store');
    expect(closestName('predicted_clvv', ['predicted_clv', 'predicted'])).toBe('predicted_clv');
  });
});
