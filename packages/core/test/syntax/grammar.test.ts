import { describe, expect, it } from 'vitest';
import { SegParser, segParser } from '../../src/syntax/parser';

describe('the grammar', () => {
  it('passes chevrotain\'s own checks (no ambiguity, no left recursion)', () => {
    expect(() => new SegParser({ validate: true })).not.toThrow();
  });

  it('is built once and reused', () => {
    expect(segParser()).toBe(segParser());
  });
});
