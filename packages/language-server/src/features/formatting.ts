/**
 * Format document / format selection: the `seg fmt` formatter (one canonical
 * style, so the editor's tab size and spaces options do not apply), returned
 * as the smallest line-wise edits. A file with syntax errors is never
 * formatted: formatting a guess could lose code.
 *
 * Format selection formats whole declarations: every declaration the range
 * touches, with the comment block directly above the first one. The
 * formatter works on whole declarations (comments move between lines, a long
 * condition is re-broken), so reformatting only some of a declaration's lines
 * could duplicate or drop a comment; a run of whole declarations formats on
 * its own exactly as the same declarations do inside their file, apart from
 * the blank lines around it, which are left as they are.
 */
import { formatSource, parseFile, type Declaration, type SourceFile } from '@seg/core';
import type { Range, TextEdit } from 'vscode-languageserver';
import type { Feature } from '../server-context';
import type { WorkspaceSnapshot } from '../workspace-state';
import { minimalEdits } from './minimal-edits';

export const formattingFeature: Feature = {
  capabilities: { documentFormattingProvider: true, documentRangeFormattingProvider: true },
  register(context) {
    context.connection.onDocumentFormatting(({ textDocument }) => formatDocument(context.snapshot(), textDocument.uri));
    context.connection.onDocumentRangeFormatting(({ textDocument, range }) => formatRange(context.snapshot(), textDocument.uri, range));
  },
};

export function formatDocument(snapshot: WorkspaceSnapshot, uri: string): TextEdit[] {
  const path = snapshot.pathOf(uri);
  const text = path === undefined ? undefined : snapshot.texts.get(path);
  if (path === undefined || text === undefined) return [];
  const formatted = formatSource(path, text).text;
  return formatted === undefined ? [] : toTextEdits(snapshot, path, text, 0, formatted);
}

export function formatRange(snapshot: WorkspaceSnapshot, uri: string, range: Range): TextEdit[] {
  const path = snapshot.pathOf(uri);
  const text = path === undefined ? undefined : snapshot.texts.get(path);
  if (path === undefined || text === undefined) return [];
  const { file, diagnostics } = parseFile(path, text);
  if (diagnostics.some((d) => d.severity === 'error')) return [];
  const lines = snapshot.lines(path);
  const slice = declarationLines(file, lines.offset(range.start), lines.offset(range.end));
  if (!slice) return [];
  const before = text.slice(slice.start, slice.end);
  const formatted = formatSource(path, before).text;
  return formatted === undefined ? [] : toTextEdits(snapshot, path, before, slice.start, formatted);
}

/**
 * The whole lines holding every declaration that [from, to] touches, widened until no other declaration
 * shares a line with them, plus the comment block directly above (a declaration's documentation).
 */
function declarationLines(file: SourceFile, from: number, to: number): { start: number; end: number } | undefined {
  const text = file.text;
  const touches = (decl: Declaration, start: number, end: number) => decl.span.start <= end && decl.span.end >= start;
  let chosen = file.declarations.filter((decl) => touches(decl, from, to));
  if (chosen.length === 0) return undefined;
  let start = 0;
  let end = 0;
  for (;;) {
    start = lineStart(text, chosen[0]!.span.start);
    end = lineEnd(text, chosen[chosen.length - 1]!.span.end);
    const widened = file.declarations.filter((decl) => touches(decl, start, end - 1));
    if (widened.length === chosen.length) break;
    chosen = widened;
  }
  for (let i = file.comments.length - 1; i >= 0; i--) {
    const comment = file.comments[i]!;
    if (comment.span.end > start) continue;
    const gap = text.slice(comment.span.end, start);
    const above = text.slice(lineStart(text, comment.span.start), comment.span.start);
    if (/\S/.test(gap) || gap.split('\n').length > 2 || /\S/.test(above)) break;
    start = lineStart(text, comment.span.start);
  }
  return { start, end };
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Just after the line's terminator (or the end of the text). */
function lineEnd(text: string, offset: number): number {
  const newline = text.indexOf('\n', Math.max(offset - 1, 0));
  return newline < 0 ? text.length : newline + 1;
}

function toTextEdits(snapshot: WorkspaceSnapshot, path: string, before: string, at: number, after: string): TextEdit[] {
  const lines = snapshot.lines(path);
  return minimalEdits(before, after).map(({ span, newText }) => ({
    range: lines.range({ start: at + span.start, end: at + span.end }),
    newText,
  }));
}
