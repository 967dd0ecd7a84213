/**
 * Declaration-level recovery: the token stream is cut into chunks at
 * declaration keywords that start a line, and each chunk is parsed on its own.
 * A missing `}` in one declaration then ends at the next declaration instead
 * of swallowing the rest of the file, so every other problem still shows.
 *
 * A declaration keyword is also a name (`offer.value`, a field called `list`),
 * so a cut needs more than the word: at brace depth 0 the keyword must start
 * its line and be followed by a name (or a test's title) on the same line;
 * inside an unclosed `{` it must also sit in column 0 and be followed by the
 * rest of a declaration header (`segment x {`, `metric x =`, `offers x from`, …).
 */
import type { TokenType } from 'chevrotain';
import * as T from './tokens';
import type { SegToken } from './tokens';

export function splitIntoChunks(tokens: readonly SegToken[], text: string): SegToken[][] {
  const chunks: SegToken[][] = [];
  let start = 0;
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const type = token.tokenType;
    if (type === T.LBrace) depth++;
    else if (type === T.RBrace) depth = Math.max(0, depth - 1);
    else if (i > start && token.nl && T.DECLARATION_KEYWORDS.has(type) && startsDeclaration(tokens, i, depth, text)) {
      chunks.push(tokens.slice(start, i));
      start = i;
      depth = 0;
    }
  }
  if (start < tokens.length || chunks.length === 0) chunks.push(tokens.slice(start));
  return chunks;
}

function startsDeclaration(tokens: readonly SegToken[], i: number, depth: number, text: string): boolean {
  const keyword = tokens[i]!.tokenType;
  const next = tokens[i + 1];
  if (!next || next.nl) return false;
  const isTest = keyword === T.Test;
  if (isTest ? !isString(next.tokenType) : !isName(next.tokenType)) return false;
  if (depth === 0) return true;

  const offset = tokens[i]!.startOffset;
  const atColumnZero = offset === 0 || text.charCodeAt(offset - 1) === 10;
  if (!atColumnZero || keyword === T.Audience) return false;
  if (isTest) return tokens[i + 2]?.tokenType === T.LBrace;
  let j = i + 2;
  if (tokens[j] && isString(tokens[j]!.tokenType)) j++;
  const after = tokens[j]?.tokenType;
  if (keyword === T.Const || keyword === T.List || keyword === T.Metric) return after === T.Equals;
  if (keyword === T.Table) return after === T.LBrace || after === T.Key || after === T.Time;
  if (keyword === T.Offers) return after === T.From;
  return after === T.LBrace;
}

function isName(type: TokenType): boolean {
  return type === T.Identifier || (type.CATEGORIES?.includes(T.Name) ?? false);
}

function isString(type: TokenType): boolean {
  return type === T.StringLiteral || type === T.UnterminatedString;
}
