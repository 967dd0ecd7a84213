/**
 * The tokens before a cursor, as completion and signature help need them:
 * the word being typed, the declaration chunk the cursor is in, and a short
 * prefix that replays only what is still open there — the header of each
 * open `{` and the current statement — so a broken earlier line does not
 * hide the grammar's view of the cursor, and long declarations stay cheap.
 */
import { tokenMatcher, type TokenType } from 'chevrotain';
import type { SourceFile } from './ast';
import type { Span } from '../text/span';
import { splitIntoChunks } from './chunks';
import { lexText } from './lex';
import * as T from './tokens';
import type { SegToken } from './tokens';

export interface CursorTokens {
  /** `literal`: a number or date is being typed. */
  readonly where: 'code' | 'string' | 'comment' | 'literal';
  /** What a completion replaces: the partial word before the cursor, or a string's text. */
  readonly replace: Span;
  /** The string at the cursor has no closing quote yet. */
  readonly closeQuote: boolean;
  /** Nothing but blanks before `replace` on its line. */
  readonly lineStart: boolean;
  /** The tokens of the cursor's declaration before the word. */
  readonly chunk: readonly SegToken[];
  /** Open blocks' headers plus the current statement (a valid grammar prefix when the text is). */
  readonly replay: readonly SegToken[];
  /** First token of the current statement directly inside the declaration's `{`. */
  readonly clause?: SegToken;
  /** Whether the cursor is inside the declaration's braces. */
  readonly inBody: boolean;
}

/** Tokens that never start a statement: a line beginning with one continues the line before. */
const CONTINUES: readonly TokenType[] = [
  T.LogicOp, T.ArithOp, T.CompareOp, T.In, T.NotInfix, T.Between, T.Is, T.Contains, T.Starts, T.Where, T.From, T.To, T.Then,
  T.Comma, T.Dot, T.Arrow, T.RParen, T.RBracket, T.Of, T.Ago, T.Per, T.Most, T.By, T.Asc, T.Desc, T.UnitTok, T.LBrace, T.Colon,
];
/** Tokens after which the statement must go on (on the next line too). */
const WANTS_MORE: readonly TokenType[] = [
  T.LogicOp, T.ArithOp, T.CompareOp, T.In, T.NotInfix, T.Not, T.Between, T.Is, T.Comma, T.Dot, T.Arrow, T.Where, T.From, T.To,
  T.Then, T.When, T.Of, T.By, T.Per, T.Most, T.With, T.Last, T.OpenParen, T.LBracket, T.Colon, T.Starts, T.Contains,
];
const OPENS: readonly TokenType[] = [T.OpenParen, T.LBracket];
const CLOSES: readonly TokenType[] = [T.RParen, T.RBracket];

export function isA(token: SegToken | undefined, types: readonly TokenType[] | TokenType): boolean {
  if (!token) return false;
  return Array.isArray(types) ? types.some((type) => tokenMatcher(token, type)) : tokenMatcher(token, types as TokenType);
}

/** A word usable as a name: identifiers, soft keywords, and the hard keywords that name aggregates. */
export function isNameToken(token: SegToken | undefined): boolean {
  return isA(token, [T.Name, T.Last, T.Any, T.None]);
}

export function cursorTokens(file: SourceFile, offset: number): CursorTokens {
  const text = file.text;
  let from = 0;
  for (const declaration of file.declarations) if (declaration.span.start <= offset) from = declaration.span.start;
  const lineEnd = text.indexOf('\n', offset);
  const to = lineEnd < 0 ? text.length : lineEnd;
  // Only the cursor's declaration up to the end of its line: a string may close after the cursor.
  const lexed = lexText(file.path, text.slice(from, to));
  const tokens = lexed.tokens;
  for (const token of tokens) {
    token.startOffset += from;
    token.endOffset = (token.endOffset ?? 0) + from;
  }

  const base = { closeQuote: false, chunk: [], replay: [], inBody: false };
  const lineStartOf = (at: number) => /^[ \t]*$/.test(text.slice(text.lastIndexOf('\n', at - 1) + 1, at));
  for (const comment of lexed.comments) {
    const start = comment.span.start + from;
    const end = comment.span.end + from;
    const open = !comment.block || !(comment.text.length >= 4 && comment.text.endsWith('*/'));
    if (start < offset && (offset < end || (offset === end && open))) {
      return { ...base, where: 'comment', replace: { start: offset, end: offset }, lineStart: false };
    }
  }

  let count = 0;
  while (count < tokens.length && tokens[count]!.startOffset < offset) count++;
  const last = tokens[count - 1];
  const lastEnd = last ? last.endOffset! + 1 : -1;
  let where: CursorTokens['where'] = 'code';
  let replace: Span = { start: offset, end: offset };
  let closeQuote = false;
  let before = count;
  if (last && isA(last, T.StringTok) && (last.tokenType === T.UnterminatedString ? lastEnd >= offset : lastEnd > offset)) {
    where = 'string';
    closeQuote = last.tokenType === T.UnterminatedString;
    replace = { start: last.startOffset + 1, end: closeQuote ? offset : lastEnd - 1 };
    before = count - 1;
  } else if (last && lastEnd >= offset && /^[A-Za-z_]/.test(last.image)) {
    replace = { start: last.startOffset, end: offset };
    before = count - 1;
  } else if (last && lastEnd >= offset && /^[0-9]/.test(last.image)) {
    where = 'literal';
  }

  const chunks = splitIntoChunks(tokens.slice(0, before), text);
  const chunk = chunks[chunks.length - 1] ?? [];
  return { where, replace, closeQuote, lineStart: lineStartOf(replace.start), chunk, ...replayOf(chunk, true) };
}

/**
 * Walks the chunk keeping, per open `{`, the tokens from its statement's start
 * to the brace, and where the current statement of the innermost block begins.
 * `strict`: a line inside an open `(` or after a dangling operator continues the
 * statement; not strict, only a line starting with an operator does (so an
 * unclosed `(` on a broken line does not hold the statement open).
 */
export function replayOf(chunk: readonly SegToken[], strict: boolean): { replay: SegToken[]; clause?: SegToken; inBody: boolean } {
  interface Level {
    head: readonly SegToken[];
    statement: number;
    parens: number;
  }
  const levels: Level[] = [{ head: [], statement: 0, parens: 0 }];
  for (let i = 0; i < chunk.length; i++) {
    const token = chunk[i]!;
    const level = levels[levels.length - 1]!;
    const open = strict && (level.parens > 0 || isA(chunk[i - 1], WANTS_MORE));
    if (i > 0 && token.nl && levels.length > 1 && !open && !isA(token, CONTINUES)) {
      level.statement = i;
    }
    if (token.tokenType === T.LBrace) levels.push({ head: chunk.slice(level.statement, i + 1), statement: i + 1, parens: 0 });
    else if (token.tokenType === T.RBrace && levels.length > 1) levels.pop();
    else if (isA(token, OPENS)) level.parens++;
    else if (isA(token, CLOSES)) level.parens = Math.max(0, level.parens - 1);
  }
  const innermost = levels[levels.length - 1]!;
  const replay = [...levels.slice(1).flatMap((level) => level.head), ...chunk.slice(innermost.statement)];
  const clause = levels[1] ? chunk[levels[1].statement] : undefined;
  return { replay, ...(clause ? { clause } : {}), inBody: levels.length > 1 };
}

/** The dotted name whose last part ends right before index `end` of `tokens` (`order.product` → ['order', 'product']). */
export function dottedNameBefore(tokens: readonly SegToken[], end: number): string[] | undefined {
  if (!isNameToken(tokens[end - 1])) return undefined;
  const parts = [tokens[end - 1]!.image];
  let i = end - 1;
  while (tokens[i - 1]?.tokenType === T.Dot && isNameToken(tokens[i - 2])) {
    parts.unshift(tokens[i - 2]!.image);
    i -= 2;
  }
  return parts;
}
