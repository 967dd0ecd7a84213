import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex, sha256Text, utf8Encode } from '../../src/workspace/sha256';
import { sourceHash } from '../../src/workspace/source-hash';

describe('sha256', () => {
  it('matches the FIPS 180-2 test vectors', () => {
    expect(sha256Text('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Text('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(sha256Text('a'.repeat(1_000_000))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('agrees with node:crypto at every padding boundary and on non-ASCII text', () => {
    for (let length = 0; length < 200; length++) {
      const text = 'x'.repeat(length);
      expect(sha256Text(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    }
    const text = 'Café “Baby” 👶 ünïcödé';
    expect(sha256Hex(utf8Encode(text))).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });
});

describe('sourceHash', () => {
  it('does not depend on the order files are given in', () => {
    expect(sourceHash({ 'b.seg': 'B', 'a.seg': 'A' })).toBe(sourceHash({ 'a.seg': 'A', 'b.seg': 'B' }));
  });

  it('changes when a file moves or its text changes', () => {
    const base = sourceHash({ 'a.seg': 'metric x = 1' });
    expect(sourceHash({ 'b.seg': 'metric x = 1' })).not.toBe(base);
    expect(sourceHash({ 'a.seg': 'metric x = 2' })).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is path NUL text NUL per file, in path order', () => {
    const expected = createHash('sha256').update('a.seg\0A\0b.seg\0B\0', 'utf8').digest('hex');
    expect(sourceHash({ 'b.seg': 'B', 'a.seg': 'A' })).toBe(expected);
  });
});
