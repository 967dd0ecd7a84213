/**
 * A walk over every node of a syntax tree (anything with a `span`: declarations,
 * expressions, names, blocks), parents before children. Generic over the node
 * shapes, so features that only care about a few kinds need no visitor per kind
 * and a partial tree left by error recovery walks as well as a whole one.
 */
import type { Span } from '@seg/core';

export interface SyntaxNode {
  readonly span: Span;
  readonly kind?: string;
  readonly [key: string]: unknown;
}

export function forEachNode(root: unknown, visit: (node: SyntaxNode) => void): void {
  if (Array.isArray(root)) {
    for (const item of root) forEachNode(item, visit);
    return;
  }
  if (typeof root !== 'object' || root === null) return;
  if (isNode(root)) visit(root);
  for (const value of Object.values(root)) if (typeof value === 'object' && value !== null && value !== root) forEachNode(value, visit);
}

/** A name as written (`Name` in ast.ts): a span and its text, no kind. */
export function isName(node: SyntaxNode): node is SyntaxNode & { readonly text: string } {
  return node.kind === undefined && typeof node.text === 'string';
}

function isNode(value: object): value is SyntaxNode {
  const span = (value as { span?: unknown }).span;
  return typeof span === 'object' && span !== null && typeof (span as Span).start === 'number';
}
