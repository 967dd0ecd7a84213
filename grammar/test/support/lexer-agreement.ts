/**
 * Compares the grammar with the real lexer on one text: every token the lexer
 * produces must get a scope of its kind from the grammar, with the grammar's
 * token starting and ending where the lexer's does. A string or comment that
 * "runs away" in the grammar breaks this on the very next token.
 */
import { lexText } from '../../../packages/core/src/syntax/lex';
import { type allTokens, keywordWord, Name } from '../../../packages/core/src/syntax/tokens';
import { innermost, tokenAt, type ScopedToken } from './tokenize-seg';

/** chevrotain's TokenType, without depending on chevrotain here. */
type TokenType = (typeof allTokens)[number];

interface Kind {
  readonly what: string;
  /** Tested against the innermost scope, or against any scope when `anyScope` is set. */
  readonly scope: RegExp;
  readonly anyScope?: boolean;
}

const HARD_KEYWORD: Kind = { what: 'a hard keyword', scope: /^(keyword|constant\.language|support\.function)\./ };
// A soft keyword is also a name: after `.`, before `:`, as a field or declared name it is scoped as one, never as a plain identifier.
const SOFT_KEYWORD: Kind = { what: 'a soft keyword', scope: /^(keyword|support\.function|entity\.name|variable\.other\.property|variable\.language)\./ };
const NAME: Kind = { what: 'a name', scope: /^(variable|entity\.name|support\.(function|type)|constant\.language\.time)\./ };
const OPERATOR: Kind = { what: 'an operator', scope: /^keyword\.operator\./ };
const PUNCTUATION: Kind = { what: 'punctuation', scope: /^punctuation\./ };

const KINDS: Readonly<Record<string, Kind>> = {
  StringLiteral: { what: 'a string', scope: /^string\.quoted\.double\.seg$/, anyScope: true },
  UnterminatedString: { what: 'an unterminated string', scope: /^string\.quoted\.double\.seg$/, anyScope: true },
  TimestampTok: { what: 'a timestamp', scope: /^constant\.numeric\.timestamp\.seg$/ },
  DateTok: { what: 'a date', scope: /^constant\.numeric\.date\.seg$/ },
  PercentTok: { what: 'a percentage', scope: /^constant\.numeric\.percentage\.seg$/, anyScope: true },
  NumberTok: { what: 'a number', scope: /^constant\.numeric\.decimal\.seg$/ },
  UnitTok: { what: 'a duration unit', scope: /^keyword\.other\.unit\.seg$/ },
  NotInfix: HARD_KEYWORD,
  Identifier: NAME,
  DurationUnitTok: NAME,
  BadUnitTok: NAME,
  Arrow: OPERATOR,
  LessEq: OPERATOR,
  GreaterEq: OPERATOR,
  NotEq: OPERATOR,
  Less: OPERATOR,
  Greater: OPERATOR,
  Equals: OPERATOR,
  Plus: OPERATOR,
  Minus: OPERATOR,
  Star: OPERATOR,
  Slash: OPERATOR,
  LBrace: PUNCTUATION,
  RBrace: PUNCTUATION,
  LParen: PUNCTUATION,
  LParenAtLineStart: PUNCTUATION,
  RParen: PUNCTUATION,
  LBracket: PUNCTUATION,
  RBracket: PUNCTUATION,
  Comma: PUNCTUATION,
  Colon: PUNCTUATION,
  Dot: PUNCTUATION,
};

function kindOf(type: TokenType): Kind {
  if (keywordWord(type) !== undefined) return type.CATEGORIES?.includes(Name) ? SOFT_KEYWORD : HARD_KEYWORD;
  const kind = KINDS[type.name];
  if (!kind) throw new Error(`The lexer has a token type \`${type.name}\` this test does not know: add it to KINDS.`);
  return kind;
}

/** Every disagreement between the grammar's tokens and the lexer's on `text`, as readable lines. */
export function disagreements(path: string, text: string, tokens: readonly ScopedToken[]): string[] {
  const problems: string[] = [];
  const lexed = lexText(path, text);
  const spans = [
    ...lexed.tokens.map((token) => ({ start: token.startOffset, image: token.image, kind: kindOf(token.tokenType) })),
    ...lexed.comments.map((comment) => ({
      start: comment.span.start,
      image: comment.text,
      kind: { what: 'a comment', scope: comment.block ? /^comment\.block\./ : /^comment\.line\./, anyScope: true },
    })),
  ];
  for (const { start, image, kind } of spans) {
    // An unclosed comment's image runs to the end of the file, trailing newline included.
    const end = start + image.trimEnd().length;
    const first = tokenAt(tokens, start);
    const last = tokenAt(tokens, end - 1);
    const where = `${path}:${lineOf(text, start)} \`${image.split('\n')[0]}\``;
    for (const token of [first, last]) {
      if (!token) problems.push(`${where}: no grammar token`);
      else if (!hasKind(token, kind)) problems.push(`${where} should be ${kind.what}, but \`${token.text}\` has [${token.scopes.join(', ')}]`);
    }
    if (first && first.offset !== start) problems.push(`${where}: the grammar's token \`${first.text}\` starts elsewhere`);
    if (last && last.offset + last.text.length !== end) problems.push(`${where}: the grammar's token \`${last.text}\` ends elsewhere`);
  }
  return problems;
}

/** Characters other than whitespace that the grammar gives no scope beyond `source.seg`. */
export function unscoped(path: string, text: string, tokens: readonly ScopedToken[]): string[] {
  const problems: string[] = [];
  for (let offset = 0; offset < text.length; offset++) {
    if (/\s/.test(text[offset]!)) continue;
    const token = tokenAt(tokens, offset);
    if (!token || token.scopes.length < 2) problems.push(`${path}:${lineOf(text, offset)} \`${text[offset]}\` has no scope`);
  }
  return problems;
}

function hasKind(token: ScopedToken, kind: Kind): boolean {
  return kind.anyScope ? token.scopes.some((scope) => kind.scope.test(scope)) : kind.scope.test(innermost(token));
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
