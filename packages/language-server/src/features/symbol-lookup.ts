/**
 * What the navigation features share: the symbol under an LSP position (from
 * the core's symbol index, which exists even when the check has errors) and
 * spans turned into LSP locations.
 */
import { symbolAt, type Declaration, type FieldDecl, type Span, type SymbolDeclaration, type SymbolKind } from '@seg/core';
import type { Location, Position } from 'vscode-languageserver';
import type { WorkspaceSnapshot } from '../workspace-state';

export interface SymbolHit {
  /** The file the cursor is in (workspace-relative). */
  readonly path: string;
  /** The declaration id the name under the cursor stands for (`metric:spend_12m`). */
  readonly id: string;
  /** The name under the cursor, exactly. */
  readonly span: Span;
}

export function symbolUnder(snapshot: WorkspaceSnapshot, uri: string, position: Position): SymbolHit | undefined {
  const path = snapshot.pathOf(uri);
  if (path === undefined || !snapshot.texts.has(path)) return undefined;
  const hit = symbolAt(snapshot.check.symbols, path, snapshot.lines(path).offset(position));
  return hit && { path, ...hit };
}

export function locationOf(snapshot: WorkspaceSnapshot, file: string, span: Span): Location {
  return { uri: snapshot.uriOf(file), range: snapshot.lines(file).range(span) };
}

/** What each kind of symbol is called in hovers and messages. */
export const KIND_WORDS: Readonly<Record<SymbolKind, string>> = {
  table: 'table',
  field: 'field',
  const: 'constant',
  list: 'list',
  map: 'map',
  metric: 'metric',
  segment: 'segment',
  strategy: 'strategy',
  outcome: 'outcome',
  offer: 'offer',
  offerFamily: 'offer family',
  plan: 'plan',
};

/** `a metric`, `an offer family`. */
export function kindPhrase(kind: SymbolKind): string {
  const word = KIND_WORDS[kind];
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}

/** `orders.total` for a field, the plain name otherwise. */
export function qualifiedName(declaration: SymbolDeclaration): string {
  return declaration.kind === 'field' ? `${declaration.table}.${declaration.name}` : declaration.name;
}

/** Files in path order, then position: the order a reader expects a list of places in. */
export function byPlace(a: { file: string; span: Span }, b: { file: string; span: Span }): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.span.start - b.span.start;
}

/** The syntax node a declaration of the index was made from (a field's node for a field), if it is still there. */
export function nodeOf(snapshot: WorkspaceSnapshot, declaration: SymbolDeclaration): Declaration | FieldDecl | undefined {
  const file = snapshot.check.files.find((f) => f.path === declaration.file);
  for (const decl of file?.declarations ?? []) {
    if (decl.span.start > declaration.span.start || decl.span.end < declaration.span.end) continue;
    if (declaration.kind !== 'field') return decl.span.start === declaration.span.start ? decl : undefined;
    if (decl.kind === 'Table') return decl.fields.find((field) => field.name.span.start === declaration.nameSpan.start);
  }
  return undefined;
}
