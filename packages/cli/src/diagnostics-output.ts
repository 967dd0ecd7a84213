import { relative, resolve } from 'node:path';
import { LineIndex, type Diagnostic } from '@seg/core';

/** The file text each diagnostic's span points into, keyed like the diagnostics' `file`. */
export type SourceTexts = Readonly<Record<string, string>>;

export interface LocatedDiagnostic {
  readonly file: string;
  /** 1-based, like the text output; the end is exclusive. */
  readonly range: { readonly start: { line: number; column: number }; readonly end: { line: number; column: number } };
  readonly severity: Diagnostic['severity'];
  readonly code: string;
  readonly message: string;
  readonly suggestions?: readonly { title: string; replacement: string }[];
}

/**
 * Turns diagnostics into what the CLI prints: paths relative to the current folder
 * (so editors and CI annotate the right file) and 1-based line:column.
 */
export function locateDiagnostics(diagnostics: readonly Diagnostic[], texts: SourceTexts, root: string, cwd: string): LocatedDiagnostic[] {
  const indexes = new Map<string, LineIndex>();
  const located = diagnostics.map((d): LocatedDiagnostic => {
    let index = indexes.get(d.file);
    if (!index) {
      index = new LineIndex(texts[d.file] ?? '');
      indexes.set(d.file, index);
    }
    const range = index.range(d.span);
    return {
      file: relative(cwd, resolve(root, d.file)) || d.file,
      range: {
        start: { line: range.start.line + 1, column: range.start.character + 1 },
        end: { line: range.end.line + 1, column: range.end.character + 1 },
      },
      severity: d.severity,
      code: d.code,
      message: d.message,
      ...(d.suggestions?.length ? { suggestions: d.suggestions.map((s) => ({ title: s.title, replacement: s.replacement })) } : {}),
    };
  });
  return located.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.column - b.range.start.column ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/** `path:line:col: error SEG1234: message` */
export function formatDiagnosticLine(d: LocatedDiagnostic): string {
  return `${d.file}:${d.range.start.line}:${d.range.start.column}: ${d.severity} ${d.code}: ${d.message}`;
}
