/**
 * Total accessors over chevrotain's CST: every lookup may miss (error
 * recovery leaves partial nodes and tokens inserted with no position), so each
 * returns `undefined` or an empty list rather than throwing.
 */
import type { CstElement, CstNode, IToken, TokenType } from 'chevrotain';
import type { Name } from './ast';
import type { Span } from '../text/span';

function isToken(element: CstElement): element is IToken {
  return (element as IToken).image !== undefined;
}

/** A token that really is in the text (not inserted by recovery). */
export function isReal(token: IToken | undefined): token is IToken {
  return token !== undefined && token.isInsertedInRecovery !== true && !Number.isNaN(token.startOffset);
}

const NO_TOKENS: readonly IToken[] = [];
const NO_NODES: readonly CstNode[] = [];

/** The real tokens under `key` (labels never mix tokens and nodes, so no per-element type test is needed). */
export function tokensOf(node: CstNode | undefined, key: string): readonly IToken[] {
  const list = node?.children[key] as IToken[] | undefined;
  if (!list || list.length === 0 || !isToken(list[0]!)) return NO_TOKENS;
  for (const token of list) if (!isReal(token)) return list.filter(isReal);
  return list;
}

export function tokenOf(node: CstNode | undefined, key: string, index = 0): IToken | undefined {
  const list = node?.children[key] as IToken[] | undefined;
  if (!list) return undefined;
  if (index === 0 && list.length > 0 && isReal(list[0])) return isToken(list[0]!) ? list[0] : undefined;
  return tokensOf(node, key)[index];
}

export function nodesOf(node: CstNode | undefined, key: string): readonly CstNode[] {
  const list = node?.children[key];
  if (!list || list.length === 0 || isToken(list[0]!)) return NO_NODES;
  return list as CstNode[];
}

export function nodeOf(node: CstNode | undefined, key: string, index = 0): CstNode | undefined {
  return nodesOf(node, key)[index];
}

/** Whether the node holds a real token of the given type under the key (key defaults to the type's name). */
export function hasToken(node: CstNode | undefined, type: TokenType, key = type.name): boolean {
  return tokensOf(node, key).some((t) => t.tokenType === type);
}

export function tokenSpan(token: IToken): Span {
  return { start: token.startOffset, end: token.startOffset + token.image.length };
}

/** The node's span, or the fallback when recovery left it without real tokens. */
export function nodeSpan(node: CstNode | undefined, fallback: Span): Span {
  const location = node?.location;
  if (!location || Number.isNaN(location.startOffset) || Number.isNaN(location.endOffset ?? NaN)) return fallback;
  return { start: location.startOffset, end: (location.endOffset ?? location.startOffset) + 1 };
}

export function nameOf(token: IToken): Name {
  return { span: tokenSpan(token), text: token.image };
}

/** A name that error recovery could not find: empty text, zero-width span (the parser already reported it). */
export function missingName(at: number): Name {
  return { span: { start: at, end: at }, text: '' };
}

export function point(at: number): Span {
  return { start: at, end: at };
}
