/**
 * `parseFile`: text → syntax tree + syntax diagnostics. Never throws, always
 * returns a (possibly partial) tree.
 *
 * Pipeline: lex (tokens + comments) → cut into declaration chunks (recovery,
 * chunks.ts) → parse each chunk with the one reused chevrotain parser → build
 * the AST (cst-to-ast.ts) → translate parser errors (parse-errors.ts).
 *
 * @example
 * const { file, diagnostics } = parseFile('segments.seg', 'segment active { any(orders in last 90 days) }');
 */
import type { IRecognitionException } from 'chevrotain';
import type { Declaration, SourceFile } from './ast';
import type { Diagnostic } from '../diagnostics/diagnostic';
import { splitIntoChunks } from './chunks';
import { AstBuilder } from './cst-to-ast';
import { lexText } from './lex';
import { ParseErrorTranslator } from './parse-errors';
import { segParser } from './parser';
import { syntaxDiagnostic } from './syntax-diagnostic';
import type { SegToken } from './tokens';

export interface ParseResult {
  readonly file: SourceFile;
  /** Syntax diagnostics, in source order. */
  readonly diagnostics: Diagnostic[];
}

export function parseFile(path: string, text: string): ParseResult {
  // Chevrotain reports each syntax error by constructing an exception; their stack traces are never
  // used and capturing them is most of the cost of parsing a broken file (the editor sees many).
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parseUnsafe(path, text);
  } catch (error) {
    // A crash here is a parser bug; the user still gets a tree and one located message.
    const detail = error instanceof Error ? error.message : String(error);
    return {
      file: { kind: 'File', path, text, declarations: [], comments: [] },
      diagnostics: [syntaxDiagnostic('SEG0099', path, { start: 0, end: 0 }, `The parser failed on this file (${detail}). Please report it.`)],
    };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

function parseUnsafe(path: string, text: string): ParseResult {
  const lexed = lexText(path, text);
  const parser = segParser();
  const builder = new AstBuilder(path, text, lexed.comments);
  const translator = new ParseErrorTranslator(path, text);
  const declarations: Declaration[] = [];
  const parseDiagnostics: Diagnostic[] = [];

  const treeDiagnostics: Diagnostic[] = [];
  for (const chunk of splitIntoChunks(lexed.tokens, text)) {
    parser.input = chunk;
    const cst = parser.file();
    const errors = firstPerLine(parser.errors, chunk).map((e) => translator.translate(e, chunk));
    declarations.push(...builder.declarations(cst));
    parseDiagnostics.push(...errors);
    // A character the lexer skipped (`&&`) leaves the same echoes as a parse error.
    treeDiagnostics.push(...withoutFollowOns(builder.diagnostics.splice(0), [...errors, ...lexed.diagnostics], text));
  }

  const diagnostics = dedupe([...lexed.diagnostics, ...parseDiagnostics, ...treeDiagnostics]);
  diagnostics.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return { file: { kind: 'File', path, text, declarations, comments: lexed.comments }, diagnostics };
}

/**
 * One error usually drags a few follow-on errors with it while the parser
 * resynchronises; keep the first error on each line so every real problem is
 * reported once, in its place.
 */
function firstPerLine(errors: readonly IRecognitionException[], chunk: readonly SegToken[]): IRecognitionException[] {
  if (errors.length <= 1) return [...errors];
  const kept: IRecognitionException[] = [];
  let lastLine = -1;
  const lineOf = lineNumbering(chunk);
  for (const error of errors) {
    const line = lineOf(error.token as SegToken);
    if (line !== -1 && line === lastLine) continue;
    kept.push(error);
    lastLine = line;
  }
  return kept;
}

/** Maps a chunk token to a line ordinal (counting `nl` flags); -1 for tokens outside the chunk (EOF). */
function lineNumbering(chunk: readonly SegToken[]): (token: SegToken) => number {
  const lines = new Map<SegToken, number>();
  let line = 0;
  for (const token of chunk) {
    if (token.nl) line++;
    lines.set(token, line);
  }
  return (token) => lines.get(token) ?? -1;
}

/** A tree-shape complaint (SEG0017…) on the same line as a parse error is usually its echo: drop it. */
const STRUCTURAL = new Set(['SEG0017', 'SEG0018', 'SEG0019', 'SEG0021', 'SEG0022']);
function withoutFollowOns(treeDiagnostics: Diagnostic[], parseErrors: readonly Diagnostic[], text: string): Diagnostic[] {
  if (parseErrors.length === 0) return treeDiagnostics;
  const sameLine = (a: number, b: number): boolean => !text.slice(Math.min(a, b), Math.max(a, b)).includes('\n');
  return treeDiagnostics.filter((d) => !STRUCTURAL.has(d.code) || !parseErrors.some((e) => sameLine(e.span.start, d.span.start)));
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}:${d.span.start}:${d.span.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
