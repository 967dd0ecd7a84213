/**
 * The holdout draw over many customers: shares come out as set, the draw is a
 * pure function of (plan, key), different plans draw independently, and the
 * hash is pinned to an independent reference so it can never change silently
 * (every engine and every run must put the same customers in the control group).
 */
import { describe, expect, it } from 'vitest';
import { holdoutFraction, isHeldOut } from '../src/index';

const COUNT = 100_000;
const prefixedKeys = Array.from({ length: COUNT }, (_, i) => `c${String(i + 1).padStart(6, '0')}`);
const numericKeys = Array.from({ length: COUNT }, (_, i) => String(i + 1));

/*
 * Reference written from the published definitions, in BigInt arithmetic so it
 * shares nothing with the implementation's Math.imul: FNV-1a-32 (offset basis
 * 2166136261, prime 16777619) over the UTF-8 bytes, then MurmurHash3's fmix32.
 */
const MASK = 0xffffffffn;
function fnv1a32(bytes: Uint8Array): bigint {
  let h = 2166136261n;
  for (const byte of bytes) h = ((h ^ BigInt(byte)) * 16777619n) & MASK;
  return h;
}
function fmix32(value: bigint): bigint {
  let h = value;
  h ^= h >> 16n;
  h = (h * 0x85ebca6bn) & MASK;
  h ^= h >> 13n;
  h = (h * 0xc2b2ae35n) & MASK;
  h ^= h >> 16n;
  return h;
}
const referenceHash = (plan: string, key: string) => fmix32(fnv1a32(Buffer.from(`${plan}\u001f${key}`, 'utf8')));
const hashOf = (plan: string, key: string | number) => BigInt(holdoutFraction(plan, key) * 2 ** 32);

describe('holdout hash reference', () => {
  it('matches the published FNV-1a-32 and MurmurHash3 test vectors', () => {
    const bytes = (text: string) => Buffer.from(text, 'utf8');
    expect(fnv1a32(bytes(''))).toBe(0x811c9dc5n);
    expect(fnv1a32(bytes('a'))).toBe(0xe40c292cn);
    expect(fnv1a32(bytes('foobar'))).toBe(0xbf9cf968n);
    // MurmurHash3_x86_32("", seed) is fmix32(seed): seeds 1 and 0xffffffff.
    expect(fmix32(1n)).toBe(0x514e28b7n);
    expect(fmix32(0xffffffffn)).toBe(0x81f16f39n);
  });

  it('pins known draws (changing one moves customers between control and treatment)', () => {
    const pinned: [string, string, bigint][] = [
      ['weekly_email', 'c1', 0x3fd8e4ebn],
      ['weekly_email', 'c000001', 0x2f53444dn],
      ['weekly_email', '100000', 0xd54a892fn],
      ['winback_trigger', 'c000042', 0x7e5db3een],
      ['p', 'ü', 0xd0474132n],
      ['', '', 0xbe421dddn],
      ['weekly_email', '顧客-7', 0xb61698d7n],
    ];
    for (const [plan, key, hash] of pinned) {
      expect(referenceHash(plan, key), `${plan}/${key}`).toBe(hash);
      expect(hashOf(plan, key), `${plan}/${key}`).toBe(hash);
      expect(holdoutFraction(plan, key)).toBe(Number(hash) / 2 ** 32);
    }
  });

  it('equals the reference on a sample of keys, including non-ASCII and long ones', () => {
    const keys = [
      ...prefixedKeys.filter((_, i) => i % 97 === 0),
      ...numericKeys.filter((_, i) => i % 89 === 0),
      '',
      ' ',
      'Ünïcödé-ключ-鍵-🙂',
      'x'.repeat(500),
      'a\u001fb',
    ];
    for (const plan of ['weekly_email', 'winback_trigger', 'plan with spaces', 'é']) {
      for (const key of keys) {
        const expected = referenceHash(plan, key);
        if (hashOf(plan, key) !== expected) expect(`${plan}/${key}: ${hashOf(plan, key)}`).toBe(`${plan}/${key}: ${expected}`);
      }
    }
  });
});

describe('holdout draw over 100,000 customers', () => {
  const plans = ['weekly_email', 'winback_trigger'] as const;
  const fractions = new Map<string, Float64Array>();
  const draws = (plan: string, family: string, keys: readonly string[]) => {
    const id = `${plan}/${family}`;
    let values = fractions.get(id);
    if (!values) {
      values = Float64Array.from(keys, (key) => holdoutFraction(plan, key));
      fractions.set(id, values);
    }
    return values;
  };
  const families = [
    ['c000001…', prefixedKeys],
    ['1…', numericKeys],
  ] as const;

  it.each(families)('holds out each share within ±0.5 points for keys %s', (family, keys) => {
    for (const plan of plans) {
      const values = draws(plan, family, keys);
      for (const share of [0.05, 0.1, 0.5]) {
        const held = values.filter((f) => f < share).length / COUNT;
        expect(Math.abs(held - share), `${plan} at ${share}: ${held}`).toBeLessThanOrEqual(0.005);
        // isHeldOut is the same draw compared with the share.
        expect(keys.filter((key, i) => i % 1000 === 0 && isHeldOut(plan, key, share)).length).toBe(
          values.filter((f, i) => i % 1000 === 0 && f < share).length,
        );
      }
      expect(keys.some((key) => isHeldOut(plan, key, 0))).toBe(false);
      expect(keys.every((key, i) => i % 1000 !== 0 || isHeldOut(plan, key, 1))).toBe(true);
    }
  });

  it('is a pure function of (plan, key): repeated calls and number vs text keys agree', () => {
    const first = draws('weekly_email', 'c000001…', prefixedKeys);
    const changed = prefixedKeys.filter((key, i) => holdoutFraction('weekly_email', key) !== first[i]);
    expect(changed).toEqual([]);
    // A database may return a numeric key as a number or as text: the same customer either way.
    for (let i = 1; i <= COUNT; i += 37) expect(holdoutFraction('weekly_email', i)).toBe(holdoutFraction('weekly_email', String(i)));
  });

  it.each(families)('draws independently for different plans (keys %s)', (family, keys) => {
    const a = draws(plans[0], family, keys);
    const b = draws(plans[1], family, keys);
    // Independent draws: P(both held out) = share², here 1 % and 25 %, within ~5 standard deviations.
    for (const [share, tolerance] of [
      [0.1, 0.0015],
      [0.5, 0.007],
    ] as const) {
      let both = 0;
      for (let i = 0; i < COUNT; i++) if (a[i] < share && b[i] < share) both++;
      expect(Math.abs(both / COUNT - share * share), `overlap at ${share}: ${both / COUNT}`).toBeLessThanOrEqual(tolerance);
    }
  });
});
