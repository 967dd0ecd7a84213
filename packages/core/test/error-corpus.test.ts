/**
 * The broken-file corpus: realistic mistakes, each checked inside the retail
 * example workspace, with the exact diagnostics a user must see — code,
 * severity and 1-based line:col range, as `seg check` prints them — in
 * error-corpus/expected.json. No more and no fewer. Suggested edits must fix
 * what they say they fix.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkWorkspace } from '../src/check/check-workspace';
import { LineIndex } from '../src/text/line-index';
import type { Diagnostic } from '../src/diagnostics/diagnostic';

const here = join(import.meta.dirname, 'error-corpus');
const retailDir = join(import.meta.dirname, 'fixtures', 'retail');
const retail = Object.fromEntries(
  readdirSync(retailDir)
    .filter((f) => f.endsWith('.seg'))
    .map((f) => [f, readFileSync(join(retailDir, f), 'utf8')]),
);
const cases = readdirSync(join(here, 'cases')).filter((f) => f.endsWith('.seg')).sort();
const expectedPath = join(here, 'expected.json');
const expected: Record<string, string[]> = JSON.parse(readFileSync(expectedPath, 'utf8'));

function check(name: string, text: string) {
  return checkWorkspace({ files: { ...retail, [name]: text } });
}

/** `file:line:col-line:col severity CODE`, as the CLI locates it. */
function located(d: Diagnostic, files: Record<string, string>): string {
  const range = new LineIndex(files[d.file] ?? '').range(d.span);
  return `${d.file}:${range.start.line + 1}:${range.start.character + 1}-${range.end.line + 1}:${range.end.character + 1} ${d.severity} ${d.code}`;
}

describe('broken-file corpus', () => {
  it('has at least 40 cases covering at least 30 codes', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const codes = new Set(Object.values(expected).flat().map((line) => line.split(' ').at(-1)));
    expect(codes.size).toBeGreaterThanOrEqual(30);
  });

  if (process.env.SEG_UPDATE_CORPUS) {
    it('writes expected.json (review every line before committing)', () => {
      const out: Record<string, string[]> = {};
      for (const name of cases) {
        const text = readFileSync(join(here, 'cases', name), 'utf8');
        const files = { ...retail, [name]: text };
        out[name] = check(name, text).diagnostics.map((d) => located(d, files)).sort();
      }
      writeFileSync(expectedPath, `${JSON.stringify(out, null, 2)}\n`);
    });
    return;
  }

  it.each(cases)('%s reports exactly the expected diagnostics', (name) => {
    const text = readFileSync(join(here, 'cases', name), 'utf8');
    const files = { ...retail, [name]: text };
    const result = check(name, text);
    expect(result.diagnostics.map((d) => located(d, files)).sort()).toEqual(expected[name]);
    for (const d of result.diagnostics) expect(d.message.trim().length).toBeGreaterThan(10);
    expect(result.diagnostics.length).toBeGreaterThan(0);
  });

  it.each(cases)('%s: every suggested edit removes its diagnostic', (name) => {
    const text = readFileSync(join(here, 'cases', name), 'utf8');
    for (const d of check(name, text).diagnostics) {
      for (const s of d.suggestions ?? []) {
        if (s.file !== name) continue;
        const fixed = text.slice(0, s.span.start) + s.replacement + text.slice(s.span.end);
        const after = check(name, fixed).diagnostics;
        expect(after.some((a) => a.code === d.code && a.span.start === d.span.start), `${s.title} in ${name}`).toBe(false);
      }
    }
  });
});
