import { describe, expect, it } from 'vitest';
import { parseFile } from '../../src/syntax/parse';
import { retailExamples } from '../support/syntax-helpers';

/** About 10,000 lines: the example workspace repeated with renamed declarations. */
function bigWorkspaceFile(): string {
  const sources = Object.values(retailExamples());
  const parts: string[] = [];
  let lines = 0;
  for (let copy = 0; lines < 10_000; copy++) {
    for (const source of sources) {
      const renamed = source.replace(/^(segment|metric|offer|offers|plan|table|const|list|map|strategy) (\w+)/gm, `$1 $2_${copy}`);
      parts.push(renamed);
      lines += renamed.split('\n').length;
    }
  }
  return parts.join('\n');
}

describe('parser speed', () => {
  it('parses a 10,000-line file well within the one-second budget', () => {
    const text = bigWorkspaceFile();
    const started = performance.now();
    const { file, diagnostics } = parseFile('big.seg', text);
    const elapsed = performance.now() - started;
    expect(diagnostics).toEqual([]);
    expect(file.declarations.length).toBeGreaterThan(1400);
    // Typically ~200 ms on one core; the bound leaves room for a busy CI machine.
    expect(elapsed).toBeLessThan(2500);
  });
});
