/**
 * The error corpus: realistic mistakes a marketing engineer makes, one broken
 * file each under corpus/errors/, checked together with the shared retail model
 * (corpus/model.seg). corpus/expected.json lists, per case, EXACTLY the
 * diagnostics a user must see — code, severity and 1-based `line:col-line:col`
 * range (end exclusive, as `seg check` reports it) — no more, no fewer. A `fix`
 * names the replacement a did-you-mean must offer; applying it must clear the
 * problem. Directives at the top of a case file:
 *   `// corpus: own-model`           the case is its own workspace (it is about the model)
 *   `// corpus: known-gap <why>`     expected.json says what is right; the checker does not
 *                                    do it yet, so the case is expected to fail until fixed
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkWorkspace } from '../src/check/check-workspace';
import type { Diagnostic, Suggestion } from '../src/diagnostics/diagnostic';
import { LineIndex } from '../src/text/line-index';

interface Expected {
  readonly code: string;
  readonly range: string;
  readonly severity: string;
  /** Another file of the workspace (`model.seg`); the case file when absent. */
  readonly file?: string;
  /** The replacement a did-you-mean suggestion must offer. */
  readonly fix?: string;
}

const dir = join(import.meta.dirname, 'corpus');
const model = readFileSync(join(dir, 'model.seg'), 'utf8');
const expected: Record<string, Expected[]> = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
const cases = readdirSync(join(dir, 'errors'))
  .filter((f) => f.endsWith('.seg'))
  .sort()
  .map((name) => {
    const text = readFileSync(join(dir, 'errors', name), 'utf8');
    const directives = text.split('\n').filter((line) => line.startsWith('// corpus: ')).map((line) => line.slice('// corpus: '.length));
    const ownModel = directives.includes('own-model');
    const gap = directives.find((d) => d.startsWith('known-gap'));
    return { name, text, ownModel, gap };
  });

type Case = (typeof cases)[number];

function workspaceOf(c: Case, text = c.text): Record<string, string> {
  return c.ownModel ? { [c.name]: text } : { 'model.seg': model, [c.name]: text };
}

function rangeOf(d: Diagnostic, files: Record<string, string>): string {
  const { start, end } = new LineIndex(files[d.file] ?? '').range(d.span);
  return `${start.line + 1}:${start.character + 1}-${end.line + 1}:${end.character + 1}`;
}

/** What the corpus compares: file (when not the case), code, severity, range. */
function key(e: { file?: string; code: string; severity: string; range: string }, caseName: string): string {
  return `${e.file && e.file !== caseName ? `${e.file} ` : ''}${e.range} ${e.severity} ${e.code}`;
}

function apply(text: string, s: Suggestion): string {
  return text.slice(0, s.span.start) + s.replacement + text.slice(s.span.end);
}

function countOf(code: string, file: string, diagnostics: readonly Diagnostic[]): number {
  return diagnostics.filter((d) => d.code === code && d.file === file).length;
}

describe('error corpus', () => {
  it('is big and broad: ≥45 cases, ≥30 distinct codes, ≥3 files with three unrelated mistakes', () => {
    expect(cases.length).toBeGreaterThanOrEqual(45);
    expect(Object.keys(expected).sort()).toEqual(cases.map((c) => c.name));
    const codes = new Set(Object.values(expected).flatMap((list) => list.map((e) => e.code)));
    expect(codes.size).toBeGreaterThanOrEqual(30);
    const threeMistakes = cases.filter((c) => c.name.startsWith('three-mistakes-'));
    expect(threeMistakes.length).toBeGreaterThanOrEqual(3);
    for (const c of threeMistakes) expect(new Set(expected[c.name]!.map((e) => e.code)).size, c.name).toBeGreaterThanOrEqual(3);
  });

  it('checks the shared model clean on its own', () => {
    expect(checkWorkspace({ files: { 'model.seg': model } }).diagnostics).toEqual([]);
  });

  describe.each(cases)('$name', (c) => {
    const files = workspaceOf(c);
    const wanted = expected[c.name] ?? [];

    (c.gap ? it.fails : it)(`reports exactly the expected diagnostics${c.gap ? ` (${c.gap})` : ''}`, () => {
      const { diagnostics } = checkWorkspace({ files });
      const got = diagnostics.map((d) => key({ file: d.file, code: d.code, severity: d.severity, range: rangeOf(d, files) }, c.name)).sort();
      expect(got).toEqual(wanted.map((e) => key(e, c.name)).sort());
    });

    it('gives every diagnostic a message and a span inside its file', () => {
      for (const d of checkWorkspace({ files }).diagnostics) {
        expect(d.message.trim(), d.code).not.toBe('');
        expect(d.message, d.code).not.toMatch(/undefined|\[object|NaN/);
        const length = files[d.file]?.length ?? -1;
        expect(0 <= d.span.start && d.span.start <= d.span.end && d.span.end <= length, `${d.code} ${d.span.start}-${d.span.end}`).toBe(true);
      }
    });

    const fixes = wanted.filter((e) => e.fix !== undefined);
    if (fixes.length > 0 && !c.gap) {
      it.each(fixes)('offers `$fix` for $code at $range, and the edit clears it', (e) => {
        const { diagnostics } = checkWorkspace({ files });
        const target = diagnostics.find((d) => key({ file: d.file, code: d.code, severity: d.severity, range: rangeOf(d, files) }, c.name) === key(e, c.name));
        expect(target, 'the diagnostic').toBeDefined();
        const suggestion = target!.suggestions?.find((s) => s.replacement === e.fix);
        expect(suggestion, `suggestions: ${JSON.stringify(target!.suggestions?.map((s) => s.replacement))}`).toBeDefined();
        expect(suggestion!.title.trim()).not.toBe('');
        const fixedFiles = { ...files, [suggestion!.file]: apply(files[suggestion!.file]!, suggestion!) };
        const after = checkWorkspace({ files: fixedFiles }).diagnostics;
        expect(countOf(e.code, target!.file, after)).toBe(countOf(e.code, target!.file, diagnostics) - 1);
        expect(after.some((d) => d.code === e.code && d.file === target!.file && d.span.start === suggestion!.span.start)).toBe(false);
      });
    }
  });

  it('every suggestion anywhere in the corpus clears the diagnostic it is attached to', () => {
    const failures: string[] = [];
    for (const c of cases.filter((x) => !x.gap)) {
      const files = workspaceOf(c);
      const { diagnostics } = checkWorkspace({ files });
      for (const d of diagnostics) {
        for (const s of d.suggestions ?? []) {
          const after = checkWorkspace({ files: { ...files, [s.file]: apply(files[s.file]!, s) } }).diagnostics;
          if (countOf(d.code, d.file, after) >= countOf(d.code, d.file, diagnostics)) {
            failures.push(`${c.name} ${d.code} ${rangeOf(d, files)}: "${s.replacement}" does not clear it`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
