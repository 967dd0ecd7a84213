/**
 * Folding ranges from the syntax tree: every declaration that spans lines,
 * every `{ … }` block inside one (`primary { … }`, `all of { … }`, a test's
 * fixture row), and comments: a multi-line block comment, or a run of comments
 * on consecutive lines of their own (a doc comment, a header). A closing `}`
 * on its own line stays visible when folded, as editors do for code.
 */
import type { SourceFile } from '@seg/core';
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { Feature } from '../server-context';
import type { WorkspaceSnapshot } from '../workspace-state';
import { forEachNode } from './syntax-nodes';

export const foldingFeature: Feature = {
  capabilities: { foldingRangeProvider: true },
  register(context) {
    context.connection.onFoldingRanges(({ textDocument }) => foldingRanges(context.snapshot(), textDocument.uri));
  },
};

export function foldingRanges(snapshot: WorkspaceSnapshot, uri: string): FoldingRange[] {
  const path = snapshot.pathOf(uri);
  const file = snapshot.check.files.find((f) => f.path === path);
  if (path === undefined || !file) return [];
  const lineOf = (offset: number) => snapshot.lines(path).position(offset).line;
  const byStart = new Map<number, FoldingRange>();
  const add = (range: FoldingRange) => {
    // One range per start line (the outermost: parents are seen first), as editors show one marker per line.
    if (range.endLine > range.startLine && !byStart.has(range.startLine)) byStart.set(range.startLine, range);
  };

  const declarations = new Set<unknown>(file.declarations);
  forEachNode(file.declarations, (node) => {
    const { start, end } = node.span;
    if (end <= start || (!declarations.has(node) && file.text[end - 1] !== '}')) return;
    add({ startLine: lineOf(start), endLine: closingLine(file.text, end, lineOf) });
  });
  for (const run of commentRuns(file)) add({ startLine: lineOf(run.start), endLine: lineOf(run.end), kind: FoldingRangeKind.Comment });
  return [...byStart.values()].sort((a, b) => a.startLine - b.startLine);
}

/** The last line to hide: the line before a `}` that starts its line, else the node's last line. */
function closingLine(text: string, end: number, lineOf: (offset: number) => number): number {
  const last = lineOf(end);
  if (text[end - 1] !== '}') return last;
  const lineStart = text.lastIndexOf('\n', end - 2) + 1;
  return /\S/.test(text.slice(lineStart, end - 1)) ? last : last - 1;
}

/** Spans of comment runs: comments that start their line, each on the line after the one before. */
function commentRuns(file: SourceFile): { start: number; end: number }[] {
  const { text } = file;
  const runs: { start: number; end: number }[] = [];
  let current: { start: number; end: number } | undefined;
  for (const { span } of file.comments) {
    const lineStart = text.lastIndexOf('\n', span.start - 1) + 1;
    const ownLine = !/\S/.test(text.slice(lineStart, span.start));
    const continues = current !== undefined && ownLine && !/\S/.test(text.slice(current.end, span.start)) && text.slice(current.end, span.start).split('\n').length === 2;
    if (continues) current!.end = span.end;
    else runs.push((current = { start: span.start, end: span.end }));
    // A comment after code ends any run: it cannot start one either, as it shares the line with code.
    if (!ownLine) current = undefined;
  }
  return runs;
}
