/**
 * Every token of a file with its broad lexical class, comments included, in
 * source order: what an editor colours before it knows what names mean
 * (the language server's semantic tokens). Never fails: characters the lexer
 * skips are simply not listed.
 *
 * Soft keywords (`category`, `offer`, …) and duration units (`days`) are
 * listed as keywords although they may be names; the syntax tree tells which
 * (a `Name` node at the same span).
 *
 * @example
 * lexicalTokens('segment a { x > 1 } // note')
 * // [{ start: 0, end: 7, tokenClass: 'keyword' }, { start: 8, end: 9, tokenClass: 'name' }, …]
 */
import { tokenMatcher } from 'chevrotain';
import { lexText } from './lex';
import {
  Arrow,
  ArithOp,
  BadUnitTok,
  CompareOp,
  DateTok,
  DurationUnitTok,
  Identifier,
  keywordWord,
  NotInfix,
  NumberTok,
  PercentTok,
  StringTok,
  TimestampTok,
  UnitTok,
  type SegToken,
} from './tokens';

export type LexicalClass = 'keyword' | 'name' | 'string' | 'number' | 'operator' | 'comment' | 'punctuation';

export interface LexicalToken {
  readonly start: number;
  readonly end: number;
  readonly tokenClass: LexicalClass;
}

const NUMBERS = [NumberTok, PercentTok, DateTok, TimestampTok];
const KEYWORD_LIKE = [NotInfix, UnitTok, DurationUnitTok];

export function lexicalTokens(text: string): LexicalToken[] {
  const { tokens, comments } = lexText('', text);
  const out: LexicalToken[] = tokens.map((token) => ({
    start: token.startOffset,
    end: token.startOffset + token.image.length,
    tokenClass: classOf(token),
  }));
  for (const comment of comments) out.push({ start: comment.span.start, end: comment.span.end, tokenClass: 'comment' });
  return out.sort((a, b) => a.start - b.start);
}

function classOf(token: SegToken): LexicalClass {
  const type = token.tokenType;
  if (keywordWord(type) !== undefined || KEYWORD_LIKE.includes(type)) return 'keyword';
  if (type === Identifier || type === BadUnitTok) return 'name';
  if (tokenMatcher(token, StringTok)) return 'string';
  if (NUMBERS.includes(type)) return 'number';
  if (type === Arrow || tokenMatcher(token, CompareOp) || tokenMatcher(token, ArithOp)) return 'operator';
  return 'punctuation';
}
