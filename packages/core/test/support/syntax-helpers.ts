/** Helpers for syntax and formatter tests: positions as "line:col" (1-based), trees without positions. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Declaration, Expr, SourceFile } from '../../src/syntax/ast';
import type { Diagnostic } from '../../src/diagnostics/diagnostic';
import { parseFile } from '../../src/syntax/parse';
import { LineIndex } from '../../src/text/line-index';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'retail');

/** The retail example files: name → text. */
export function retailExamples(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(fixtures).filter((f) => f.endsWith('.seg')).sort()) out[name] = readFileSync(join(fixtures, name), 'utf8');
  return out;
}

/** `CODE@line:col` for each diagnostic, in order (1-based like the CLI). */
export function located(text: string, diagnostics: readonly Diagnostic[]): string[] {
  const lines = new LineIndex(text);
  return diagnostics.map((d) => {
    const p = lines.position(d.span.start);
    return `${d.code}@${p.line + 1}:${p.character + 1}`;
  });
}

/** Parses and returns the located diagnostics. */
export function errorsOf(text: string): string[] {
  return located(text, parseFile('test.seg', text).diagnostics);
}

/** Parses text that must be clean and returns its declarations. */
export function parseClean(text: string): Declaration[] {
  const { file, diagnostics } = parseFile('test.seg', text);
  if (diagnostics.length > 0) throw new Error(`unexpected diagnostics: ${located(text, diagnostics).join(', ')} ${diagnostics.map((d) => d.message).join(' | ')}`);
  return [...file.declarations];
}

/** The condition of `segment s { … }`, without positions. */
export function condition(source: string): unknown {
  const [decl] = parseClean(`segment s {\n${source}\n}`);
  if (decl?.kind !== 'Segment') throw new Error('not a segment');
  return strip(decl.condition);
}

/** The value of `metric m = …`, without positions. */
export function metricValue(source: string): unknown {
  const [decl] = parseClean(`metric m = ${source}`);
  if (decl?.kind !== 'Metric') throw new Error('not a metric');
  return strip(decl.value);
}

/** A tree without spans (and without string `raw`, which re-escaping may change). */
export function strip(value: unknown, options: { keepStringRaw?: boolean } = {}): unknown {
  if (Array.isArray(value)) return value.map((v) => strip(v, options));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const isString = (value as Expr).kind === 'String';
    for (const [k, v] of Object.entries(value)) {
      if (k === 'span' || k === 'keywordSpan') continue;
      if (k === 'raw' && isString && !options.keepStringRaw) continue;
      out[k] = strip(v, options);
    }
    return out;
  }
  return value;
}

/** Declarations and comment texts of a file, without positions. */
export function shape(file: SourceFile): unknown {
  return { declarations: strip(file.declarations), comments: file.comments.map((c) => c.text.split('\n').map((l) => l.trimEnd()).join('\n')) };
}
