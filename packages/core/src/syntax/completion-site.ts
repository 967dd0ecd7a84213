/**
 * Where the cursor is, for the language server's completion and signature
 * help: what the grammar accepts next — chevrotain's content assist over the
 * tokens before the cursor, so keyword sets come from the parser itself —
 * which declaration and clause the cursor is in, the calls around it, and the
 * dotted name before it. Pure and cheap (one declaration is lexed; only its
 * open statements are replayed), and it works on text with syntax errors.
 *
 * @example
 * const site = completionSiteAt(parseFile('a.seg', text).file, offset);
 * site.expected; // [{ kind: 'keyword', word: 'eligible', rule: 'offerProperty' }, …]
 */
import type { TokenType } from 'chevrotain';
import type { SourceFile } from './ast';
import type { Span } from '../text/span';
import { cursorTokens, dottedNameBefore, isA, isNameToken, replayOf, type CursorTokens } from './cursor-tokens';
import { segParser } from './parser';
import * as T from './tokens';
import type { SegToken } from './tokens';

/** What kind of name the grammar expects at the cursor. */
export type NameSlot =
  /** A value in an expression: fields, metrics, segments, constants, functions. */
  | 'value'
  /** After `x.`: a field of what `x` is (`path` says what `x` is). */
  | 'member'
  /** A new name being declared: nothing to offer. */
  | 'newName'
  | 'table'
  | 'fieldType'
  /** A column name in a table header or link (free text). */
  | 'column'
  | 'outcome'
  | 'channel'
  | 'offer'
  | 'strategy'
  | 'perCustomer'
  | 'perCategory'
  | 'outputColumn'
  /** `offers f from t key |`: a column of the family's table. */
  | 'familyKey'
  | 'fixtureTable'
  | 'fixtureField'
  /** A fixture row's value (`channel: |`): `comparedWith` names the field. */
  | 'fixtureValue'
  /** `expect "c1" in |` */
  | 'segment'
  /** `expect |("c1")`: a metric, strategy or plan. */
  | 'expectSubject'
  /** `expect s("c1") = |`: outcomes or offers. */
  | 'expectedValue';

export type Expected =
  /** `rule` is the grammar rule the keyword belongs to (`offerProperty`, `notExpr`, `declaration`…). */
  | { readonly kind: 'keyword'; readonly word: string; readonly rule: string }
  | { readonly kind: 'name'; readonly slot: NameSlot }
  /** A duration unit after a number (`30 days`). */
  | { readonly kind: 'unit' };

export interface CallSite {
  readonly name: string;
  readonly nameSpan: Span;
  /** Offset of the call's `(`. */
  readonly open: number;
  /** Index of the argument the cursor is in. */
  readonly argIndex: number;
  /** The dotted name the argument starts with: an aggregate's source (`orders`, `orders.total`). */
  readonly head: readonly string[];
  /** The part of the argument the cursor is in: an aggregate's `source`, `window` or `where` condition, or a ranking's `order`. */
  readonly part: 'source' | 'window' | 'where' | 'order';
}

/** `where` is `literal` while a number or date is typed and `comment` in a comment (nothing to complete there). */
export interface CompletionSite extends Pick<CursorTokens, 'where' | 'replace' | 'closeQuote' | 'lineStart'> {
  readonly expected: readonly Expected[];
  /** False when the text before the cursor does not follow the grammar: `expected` is then the start of a condition (or a declaration). */
  readonly exact: boolean;
  readonly declaration?: { readonly keyword: string; readonly name?: string; readonly source?: string };
  /** The first word of the current statement in the declaration's body: `eligible`, `rank`, `expect`, a fixture's table… */
  readonly clause?: string;
  /** Enclosing calls, innermost first. */
  readonly calls: readonly CallSite[];
  /** The dotted name before a `.` at the cursor (`product.` → ['product']). */
  readonly path?: readonly string[];
  /** The name a value at the cursor is compared with or given to: `channel = "|"`, `kind in ("open", |`, `channel: |`. */
  readonly comparedWith?: readonly string[];
}

/** Name positions, by grammar rule and the occurrence index of its `CONSUME(Name)`. */
const SLOTS: Readonly<Record<string, Readonly<Record<number, NameSlot>>>> = {
  audienceDecl: { 0: 'table' },
  tableDecl: { 1: 'newName', 2: 'column', 3: 'column' },
  fieldDecl: { 1: 'newName', 2: 'table', 3: 'column', 4: 'fieldType' },
  offersDecl: { 0: 'newName', 2: 'table', 3: 'familyKey' },
  strategyRule: { 1: 'outcome', 2: 'outcome' },
  offerProperty: { 1: 'channel', 2: 'channel', 3: 'outcome' },
  planProperty: { 1: 'channel', 2: 'offer', 3: 'offer', 4: 'strategy', 5: 'perCustomer', 6: 'perCategory', 7: 'newName', 8: 'outputColumn', 9: 'outputColumn' },
  fixtureRow: { 0: 'fixtureTable' },
  fixtureField: { 0: 'fixtureField' },
  expectation: { 1: 'segment', 2: 'offer', 3: 'offer' },
  postfix: { 0: 'member' },
};

/** A rule's own tokens that are not keywords to offer: the aggregate names `last`, `any`, `none` in value position. */
const NAME_KEYWORDS: ReadonlySet<string> = new Set(['Last#0', 'Any#2', 'None#2']);
/** `not` as the start of `not in` / `not between` (occurrence in the rule → phrase). */
const NOT_INFIX: Readonly<Record<string, string>> = { 'notExpr#1': 'not in', 'notExpr#2': 'not between', 'expectation#1': 'not in' };

export function completionSiteAt(file: SourceFile, offset: number): CompletionSite {
  const cursor = cursorTokens(file, offset);
  if (cursor.where === 'comment' || cursor.where === 'literal') return { ...siteParts(cursor, cursor), expected: [], exact: true };
  const parser = segParser();
  let replayed: Replayed = cursor;
  let paths = parser.computeContentAssist('file', cursor.replay as SegToken[]);
  // The replay guesses statement boundaries: try again without trusting a broken line's `(` or
  // dangling operator (its clause and calls then hold), and a small declaration can afford the exact answer.
  if (paths.length === 0 && cursor.inBody) {
    const loose = replayOf(cursor.chunk, false);
    paths = parser.computeContentAssist('file', loose.replay);
    if (paths.length > 0) replayed = loose;
  }
  if (paths.length === 0 && cursor.replay.length !== cursor.chunk.length && cursor.chunk.length <= 400) {
    paths = parser.computeContentAssist('file', cursor.chunk as SegToken[]);
  }
  const exact = paths.length > 0;
  if (!exact) paths = parser.computeContentAssist(cursor.inBody || !cursor.lineStart ? 'expression' : 'file', []);

  const expected = new Map<string, Expected>();
  for (const path of paths) {
    const rules = path.ruleStack;
    const rule = rules[rules.length - 1] ?? 'expression';
    // A unit belongs on its number's line (the lexer only reads a word there as a unit).
    if (path.nextTokenType === T.UnitTok && cursor.lineStart) continue;
    for (const item of expectedOf(path.nextTokenType, path.nextTokenOccurrence, rule, rules)) {
      expected.set(item.kind === 'keyword' ? `k:${item.word}:${item.rule}` : item.kind === 'name' ? `n:${item.slot}` : 'u', item);
    }
  }
  return { ...siteParts(cursor, replayed), expected: [...expected.values()], exact };
}

/** The calls around the cursor, innermost first (signature help). */
export function callsAt(file: SourceFile, offset: number): readonly CallSite[] {
  const cursor = cursorTokens(file, offset);
  return cursor.where === 'comment' ? [] : callsIn(cursor.replay);
}

function expectedOf(type: TokenType, occurrence: number, rule: string, rules: readonly string[]): Expected[] {
  if (type === T.Name) return [{ kind: 'name', slot: nameSlot(rule, occurrence, rules) }];
  if (type === T.UnitTok) return [{ kind: 'unit' }];
  if (type === T.LogicOp) return [{ kind: 'keyword', word: 'and', rule }, { kind: 'keyword', word: 'or', rule }];
  if (type === T.NotInfix) {
    const phrase = NOT_INFIX[`${rule}#${occurrence}`];
    return phrase ? [{ kind: 'keyword', word: phrase, rule }] : [];
  }
  if (rule === 'unary' && NAME_KEYWORDS.has(`${type.name}#${occurrence}`)) return [];
  const word = T.keywordWord(type);
  return word ? [{ kind: 'keyword', word, rule }] : [];
}

function nameSlot(rule: string, occurrence: number, rules: readonly string[]): NameSlot {
  if (rule === 'unary') {
    const at = rules.lastIndexOf('expectation');
    if (at >= 0 && rules.length === at + 3 && rules[at + 1] === 'arith') return 'expectSubject';
    if (at >= 0 && rules[at + 1] === 'expression') return 'expectedValue';
    return rules.includes('fixtureField') ? 'fixtureValue' : 'value';
  }
  return SLOTS[rule]?.[occurrence] ?? 'newName';
}

type Replayed = Pick<CursorTokens, 'replay' | 'clause'>;

function siteParts(cursor: CursorTokens, { replay, clause }: Replayed): Omit<CompletionSite, 'expected' | 'exact'> {
  const chunk = cursor.chunk;
  const first = chunk[0];
  const keyword = first && T.DECLARATION_KEYWORDS.has(first.tokenType) ? T.keywordWord(first.tokenType) : undefined;
  const fromAt = keyword === 'offers' ? chunk.findIndex((token) => token.tokenType === T.From) : -1;
  const declaration = keyword
    ? {
        keyword,
        ...(isNameToken(chunk[1]) ? { name: chunk[1]!.image } : {}),
        ...(fromAt > 0 && isNameToken(chunk[fromAt + 1]) ? { source: chunk[fromAt + 1]!.image } : {}),
      }
    : undefined;
  const path = replay[replay.length - 1]?.tokenType === T.Dot ? dottedNameBefore(replay, replay.length - 1) : undefined;
  const comparedWith = cursor.where === 'comment' ? undefined : comparedWithAt(replay);
  return {
    where: cursor.where,
    replace: cursor.replace,
    closeQuote: cursor.closeQuote,
    lineStart: cursor.lineStart,
    ...(declaration ? { declaration } : {}),
    ...(clause ? { clause: clause.image } : {}),
    calls: callsIn(replay),
    ...(path ? { path } : {}),
    ...(comparedWith ? { comparedWith } : {}),
  };
}

/** `x = |`, `x != "|`, `x in ("a", |`, `x not in (|`, and a fixture's `field: |`. */
function comparedWithAt(tokens: readonly SegToken[]): string[] | undefined {
  let end = tokens.length;
  const previous = tokens[end - 1];
  if (previous?.tokenType === T.Colon) return isNameToken(tokens[end - 2]) ? [tokens[end - 2]!.image] : undefined;
  if (isA(previous, T.CompareOp)) return dottedNameBefore(tokens, end - 1);
  while (tokens[end - 1]?.tokenType === T.Comma && isA(tokens[end - 2], T.StringTok)) end -= 2;
  if (!isA(tokens[end - 1], T.OpenParen) || tokens[end - 2]?.tokenType !== T.In) return undefined;
  end -= 2;
  if (tokens[end - 1]?.tokenType === T.NotInfix) end--;
  return dottedNameBefore(tokens, end);
}

function callsIn(tokens: readonly SegToken[]): CallSite[] {
  interface Open {
    callee?: SegToken;
    open: number;
    argIndex: number;
    argStart: number;
    part: CallSite['part'];
  }
  const stack: Open[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const top = stack[stack.length - 1];
    if (isA(token, [T.OpenParen, T.LBracket])) {
      const before = tokens[i - 1];
      const callee = token.tokenType === T.LParen && isNameToken(before) ? before : undefined;
      stack.push({ ...(callee ? { callee } : {}), open: token.startOffset, argIndex: 0, argStart: i + 1, part: 'source' });
    } else if (isA(token, [T.RParen, T.RBracket])) stack.pop();
    else if (!top) continue;
    else if (token.tokenType === T.Comma) Object.assign(top, { argIndex: top.argIndex + 1, argStart: i + 1, part: 'source' });
    else if (token.tokenType === T.Where) top.part = 'where';
    else if (top.part === 'source' && (token.tokenType === T.From || token.tokenType === T.Between || (token.tokenType === T.In && tokens[i + 1]?.tokenType === T.Last))) {
      top.part = 'window';
    } else if (top.part !== 'where' && (token.tokenType === T.Asc || token.tokenType === T.Desc)) top.part = 'order';
  }
  const calls: CallSite[] = [];
  for (let i = stack.length - 1; i >= 0; i--) {
    const open = stack[i]!;
    if (!open.callee) continue;
    const head = headAt(tokens, open.argStart);
    calls.push({
      name: open.callee.image,
      nameSpan: { start: open.callee.startOffset, end: open.callee.startOffset + open.callee.image.length },
      open: open.open,
      argIndex: open.argIndex,
      head,
      part: open.part,
    });
  }
  return calls;
}

/** The dotted name starting at `start` (an argument's first words). */
function headAt(tokens: readonly SegToken[], start: number): string[] {
  const parts: string[] = [];
  for (let i = start; isNameToken(tokens[i]); i += 2) {
    parts.push(tokens[i]!.image);
    if (tokens[i + 1]?.tokenType !== T.Dot) break;
  }
  return parts;
}
