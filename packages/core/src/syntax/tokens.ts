/**
 * The `.seg` lexer: token types and one reused chevrotain Lexer.
 *
 * Keywords come in two kinds. Hard keywords (`and`, `in`, `last`, …) can never
 * be names. Soft keywords (`category`, `value`, `offer`, `table`, …) start
 * properties and declarations but are also valid names (`product.category`,
 * `offer.value`): they carry the `Name` token category, so the parser accepts
 * them wherever it consumes a `Name`. Every keyword has `longer_alt: Identifier`
 * so `days_since` or `input` lex as identifiers, and keywords are ordered
 * longest first so `offers` is not read as `offer` + `s`.
 */
import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';

/** Abstract category for everything usable as a name (identifiers and soft keywords). */
export const Name = createToken({ name: 'Name', pattern: Lexer.NA });
/** Abstract category of both string tokens (an unterminated string still parses as text). */
export const StringTok = createToken({ name: 'StringTok', pattern: Lexer.NA });
export const CompareOp = createToken({ name: 'CompareOp', pattern: Lexer.NA });
export const ArithOp = createToken({ name: 'ArithOp', pattern: Lexer.NA });
export const LogicOp = createToken({ name: 'LogicOp', pattern: Lexer.NA });

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [Name] });

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v\uFEFF\u00A0]+/, group: Lexer.SKIPPED, line_breaks: true });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n\r]*/, group: 'comments' });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: 'comments', line_breaks: true });
/** `/*` that never closes: swallows the rest of the file, reported as SEG0012. */
export const UnterminatedComment = createToken({ name: 'UnterminatedComment', pattern: /\/\*[\s\S]*/, group: 'comments', line_breaks: true });

export const TimestampTok = createToken({
  name: 'TimestampTok',
  pattern: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?/,
});
export const DateTok = createToken({ name: 'DateTok', pattern: /\d{4}-\d{2}-\d{2}/ });
export const PercentTok = createToken({ name: 'PercentTok', pattern: /\d+(?:\.\d+)?%/ });
export const NumberTok = createToken({ name: 'NumberTok', pattern: /\d+(?:\.\d+)?/ });
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/, categories: [StringTok] });
/** A string cut short by the end of the line: reported as SEG0010, parsed as text. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\r\n]|\\[^\r\n]?)*/, categories: [StringTok] });

export const Arrow = createToken({ name: 'Arrow', pattern: /->/ });
export const LessEq = createToken({ name: 'LessEq', pattern: /<=/, categories: [CompareOp] });
export const GreaterEq = createToken({ name: 'GreaterEq', pattern: />=/, categories: [CompareOp] });
export const NotEq = createToken({ name: 'NotEq', pattern: /!=/, categories: [CompareOp] });
export const Less = createToken({ name: 'Less', pattern: /</, categories: [CompareOp] });
export const Greater = createToken({ name: 'Greater', pattern: />/, categories: [CompareOp] });
export const Equals = createToken({ name: 'Equals', pattern: /=/, categories: [CompareOp] });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, categories: [ArithOp] });
export const Minus = createToken({ name: 'Minus', pattern: /-/, categories: [ArithOp] });
export const Star = createToken({ name: 'Star', pattern: /\*/, categories: [ArithOp] });
export const Slash = createToken({ name: 'Slash', pattern: /\//, categories: [ArithOp] });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/ });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/ });
/** Any `(`: what a parenthesis or list may start with. */
export const OpenParen = createToken({ name: 'OpenParen', pattern: Lexer.NA });
/** A `(` on the same line as the token before it: the only kind that can open a call's arguments. */
export const LParen = createToken({ name: 'LParen', pattern: /\(/, categories: [OpenParen] });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Colon = createToken({ name: 'Colon', pattern: /:/ });
export const Dot = createToken({ name: 'Dot', pattern: /\./ });

const keywordTokens: TokenType[] = [];

function keyword(word: string, categories: TokenType[] = []): TokenType {
  const name = word[0]!.toUpperCase() + word.slice(1);
  const token = createToken({ name, pattern: new RegExp(word), longer_alt: Identifier, categories });
  keywordTokens.push(token);
  return token;
}
const hard = (word: string): TokenType => keyword(word);
const soft = (word: string): TokenType => keyword(word, [Name]);

// Hard keywords: never names.
export const And = keyword('and', [LogicOp]);
export const Or = keyword('or', [LogicOp]);
export const Not = hard('not');
export const In = hard('in');
export const Is = hard('is');
export const Missing = hard('missing');
export const Between = hard('between');
export const True = hard('true');
export const False = hard('false');
export const All = hard('all');
export const Any = hard('any');
export const None = hard('none');
export const Of = hard('of');
export const When = hard('when');
export const Then = hard('then');
export const Else = hard('else');
export const Where = hard('where');
export const From = hard('from');
export const To = hard('to');
export const Last = hard('last');
export const Ago = hard('ago');

// Soft keywords: also names.
export const Audience = soft('audience');
export const Table = soft('table');
export const Const = soft('const');
export const List = soft('list');
export const MapKw = soft('map');
export const Metric = soft('metric');
export const Segment = soft('segment');
export const Strategy = soft('strategy');
export const Offers = soft('offers');
export const Offer = soft('offer');
export const Plan = soft('plan');
export const Test = soft('test');
export const Key = soft('key');
export const Time = soft('time');
export const As = soft('as');
export const On = soft('on');
export const Category = soft('category');
export const Channels = soft('channels');
export const Channel = soft('channel');
export const Valid = soft('valid');
export const Eligible = soft('eligible');
export const Score = soft('score');
export const Value = soft('value');
export const Cap = soft('cap');
export const Rank = soft('rank');
export const By = soft('by');
export const Boost = soft('boost');
export const Top = soft('top');
export const Per = soft('per');
export const At = soft('at');
export const Most = soft('most');
export const Suppress = soft('suppress');
export const Holdout = soft('holdout');
export const Schedule = soft('schedule');
export const Output = soft('output');
export const Csv = soft('csv');
export const Webhook = soft('webhook');
export const With = soft('with');
export const Primary = soft('primary');
export const Secondary = soft('secondary');
export const Expect = soft('expect');
export const Includes = soft('includes');
export const Excludes = soft('excludes');
export const Empty = soft('empty');
export const Contains = soft('contains');
export const Starts = soft('starts');
export const Asc = soft('asc');
export const Desc = soft('desc');

/** `hour(s) day(s) week(s) month(s) year(s)`: a name too, so a field may be called `day`. */
export const DurationUnitTok = createToken({
  name: 'DurationUnitTok',
  pattern: /(?:hours|hour|days|day|weeks|week|months|month|years|year)/,
  longer_alt: Identifier,
  categories: [Name],
});

// Context-dependent token types. The lexer never produces them; lexText() retags
// tokens after lexing, so the grammar needs no look-at-the-newlines gates in its
// hottest rules (gates are slow in chevrotain, and these rules run per operand).

/** A `(` that starts a line: it begins a new condition/value, never a call. */
export const LParenAtLineStart = createToken({ name: 'LParenAtLineStart', pattern: Lexer.NA, categories: [OpenParen] });
/** A duration unit on the same line right after a number (`30 days`). */
export const UnitTok = createToken({ name: 'UnitTok', pattern: Lexer.NA });
/** Another word on the same line right after a number (`30 dayz`): reported as an unknown unit. */
export const BadUnitTok = createToken({ name: 'BadUnitTok', pattern: Lexer.NA });
/** `not` directly followed by `in` or `between` (`x not in …`), as opposed to the prefix `not x`. */
export const NotInfix = createToken({ name: 'NotInfix', pattern: Lexer.NA });

// Longest first, so a keyword that is a prefix of another (`offer`/`offers`, `in`/`includes`) never wins early.
const orderedKeywords = [...keywordTokens].sort((a, b) => String(b.PATTERN).length - String(a.PATTERN).length);

/** All token types in lexing order (categories included, as the parser needs them). */
export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  TimestampTok,
  DateTok,
  PercentTok,
  NumberTok,
  StringLiteral,
  UnterminatedString,
  Arrow,
  LessEq,
  GreaterEq,
  NotEq,
  Less,
  Greater,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Dot,
  DurationUnitTok,
  ...orderedKeywords,
  Identifier,
  Name,
  StringTok,
  OpenParen,
  LParenAtLineStart,
  UnitTok,
  BadUnitTok,
  NotInfix,
  CompareOp,
  ArithOp,
  LogicOp,
];

/** Keywords that start a declaration (used by recovery to resynchronise). */
export const DECLARATION_KEYWORDS: ReadonlySet<TokenType> = new Set([
  Audience,
  Table,
  Const,
  List,
  MapKw,
  Metric,
  Segment,
  Strategy,
  Offers,
  Offer,
  Plan,
  Test,
]);

/** The source word of every keyword token, for messages (`Expected \`then\``). */
export function keywordWord(type: TokenType): string | undefined {
  if (!keywordTokens.includes(type)) return undefined;
  return String(type.PATTERN).slice(1, -1);
}

/** A token plus whether a line break precedes it (the `all of` and call rules depend on it). */
export interface SegToken extends IToken {
  /** True when a newline separates this token from the previous token (or it is the first token). */
  nl?: boolean;
}

export const segLexer = new Lexer(allTokens, {
  positionTracking: 'onlyOffset',
  ensureOptimizations: false,
  skipValidations: true,
});
