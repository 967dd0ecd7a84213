/**
 * Comments sprinkled at random into the examples (seeded): formatting must keep
 * every comment, keep documentation comments attached to the same declaration
 * or field, and be a fixed point after one pass.
 */
import { describe, expect, it } from 'vitest';
import { formatSource } from '../../src/format/format';
import { parseFile } from '../../src/syntax/parse';
import { retailExamples, shape } from '../support/syntax-helpers';
import { seededRandom } from '../support/seeded-random';


function offsets(text: string, pattern: RegExp): number[] {
  return [...text.matchAll(pattern)].map((m) => m.index!);
}

function sprinkle(text: string, random: () => number, count: number): string {
  const pick = (list: number[]) => list[Math.floor(random() * list.length)]!;
  for (let k = 0; k < count; k++) {
    const r = random();
    if (r < 0.35) {
      const p = pick(offsets(text, / /g));
      text = `${text.slice(0, p)} /* b${k} */${text.slice(p)}`;
    } else if (r < 0.6) {
      const p = pick(offsets(text, /\n/g));
      text = `${text.slice(0, p)} // t${k}${text.slice(p)}`;
    } else if (r < 0.8) {
      const p = pick(offsets(text, /\n/g));
      text = `${text.slice(0, p)}\n// o${k}${text.slice(p)}`;
    } else {
      const p = pick(offsets(text, /[(),.{}[\]=]/g)) + (random() < 0.5 ? 1 : 0);
      text = `${text.slice(0, p)}/* i${k} */${text.slice(p)}`;
    }
  }
  return text;
}

describe('comment placement', () => {
  it('keeps every comment and every doc comment through formatting', () => {
    const random = seededRandom(7);
    const sources = Object.values(retailExamples());
    const problems: string[] = [];
    let checked = 0;
    for (let i = 0; i < 200; i++) {
      const text = sprinkle(sources[i % sources.length]!, random, 1 + Math.floor(random() * 5));
      const parsed = parseFile('c.seg', text);
      if (parsed.diagnostics.length > 0) continue; // a comment landed inside a string or broke a token
      checked++;
      const once = formatSource('c.seg', text).text!;
      if (formatSource('c.seg', once).text !== once) problems.push(`case ${i}: not idempotent`);
      else if (JSON.stringify(shape(parseFile('c.seg', once).file)) !== JSON.stringify(shape(parsed.file))) problems.push(`case ${i}: tree or comments changed`);
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(120);
  });

  it('moves a comment out of a one-line declaration without making it documentation', () => {
    const source = 'metric a = 1 +  // why one\n  2\nmetric b = 3\n';
    const out = formatSource('c.seg', source).text!;
    expect(out).toBe('metric a = 1 + 2  // why one\nmetric b = 3\n');
    expect(parseFile('c.seg', out).file.declarations.map((d) => d.doc)).toEqual([undefined, undefined]);
    const two = 'metric a = 1 +  // one\n  2  // two\nmetric b = 3\n';
    const formatted = formatSource('c.seg', two).text!;
    expect(formatted).toBe('metric a = 1 + 2  // one\n// two\n\nmetric b = 3\n');
    expect(parseFile('c.seg', formatted).file.declarations[1]?.doc).toBeUndefined();
  });
});
