/**
 * Random damage to the example files (seeded, so failures reproduce): the
 * parser must never throw, never hang, and place every diagnostic inside the
 * file; whatever still parses cleanly must format stably.
 */
import { describe, expect, it } from 'vitest';
import { formatSource } from '../../src/format/format';
import { parseFile } from '../../src/syntax/parse';
import { retailExamples, shape } from '../support/syntax-helpers';
import { seededRandom } from '../support/seeded-random';


const SNIPPETS = ['{', '}', '(', ')', '"', '/*', '//', '\n', ' and ', ' in last ', '->', '[', ',', 'all of {', '10%', '-', '2026-02-30', '\\', 'segment x {'];

function mutate(text: string, random: () => number): string {
  const at = () => Math.floor(random() * (text.length + 1));
  const span = () => {
    const start = at();
    return [start, Math.min(text.length, start + 1 + Math.floor(random() * 40))] as const;
  };
  switch (Math.floor(random() * 6)) {
    case 0: {
      const [s, e] = span();
      return text.slice(0, s) + text.slice(e);
    }
    case 1: {
      const [s, e] = span();
      return text.slice(0, e) + text.slice(s, e) + text.slice(e);
    }
    case 2: {
      const [s1, e1] = span();
      const [s2, e2] = span();
      if (e1 > s2) return text;
      return text.slice(0, s1) + text.slice(s2, e2) + text.slice(e1, s2) + text.slice(s1, e1) + text.slice(e2);
    }
    case 3:
      return text.slice(0, at());
    case 4: {
      const p = at();
      return text.slice(0, p) + SNIPPETS[Math.floor(random() * SNIPPETS.length)] + text.slice(p);
    }
    default: {
      const words = text.split(/(\s+)/);
      const i = Math.floor(random() * words.length);
      const j = Math.floor(random() * words.length);
      [words[i], words[j]] = [words[j]!, words[i]!];
      return words.join('');
    }
  }
}

describe('parser robustness', () => {
  it('survives thousands of random mutations of the examples', () => {
    const random = seededRandom(20261122);
    const sources = Object.values(retailExamples());
    let clean = 0;
    let slowest = 0;
    const problems: string[] = [];
    for (let i = 0; i < 2000; i++) {
      let text = sources[i % sources.length]!;
      const rounds = 1 + Math.floor(random() * 3);
      for (let r = 0; r < rounds; r++) text = mutate(text, random);

      const started = performance.now();
      const { file, diagnostics } = parseFile('fuzz.seg', text);
      slowest = Math.max(slowest, performance.now() - started);

      if (file.text !== text) problems.push(`mutation ${i}: the tree lost the text`);
      for (const d of diagnostics) {
        if (d.code === 'SEG0099') problems.push(`mutation ${i}: internal error ${d.message}`);
        if (d.span.start < 0 || d.span.end < d.span.start || d.span.end > text.length) problems.push(`mutation ${i}: ${d.code} span ${d.span.start}-${d.span.end} outside the file`);
      }
      if (diagnostics.length === 0) {
        clean++;
        if (clean % 2 === 0) continue; // formatting every other clean mutation is plenty (and halves the run time)
        const once = formatSource('fuzz.seg', text).text!;
        if (formatSource('fuzz.seg', once).text !== once) problems.push(`mutation ${i}: formatting is not idempotent`);
        else if (JSON.stringify(shape(parseFile('fuzz.seg', once).file)) !== JSON.stringify(shape(file))) problems.push(`mutation ${i}: formatting changed the tree`);
      }
    }
    expect(problems).toEqual([]);
    expect(slowest).toBeLessThan(1000);
    expect(clean).toBeGreaterThan(0);
  });

  it('handles pathological inputs', () => {
    const inputs = [
      '',
      '{'.repeat(5000),
      '('.repeat(2000),
      'metric m = ' + '-'.repeat(3000) + '1',
      'segment s { ' + 'not '.repeat(3000) + 'x }',
      '"'.repeat(1001),
      '/*'.repeat(500),
      'segment s { a' + ' and a'.repeat(5000) + ' }',
      'x'.repeat(100_000),
      '\u0000\uFFFF\uD800',
    ];
    for (const text of inputs) {
      const started = performance.now();
      const { diagnostics } = parseFile('p.seg', text);
      expect(performance.now() - started).toBeLessThan(3000);
      for (const d of diagnostics) expect(d.span.end).toBeLessThanOrEqual(text.length);
    }
  });
});
