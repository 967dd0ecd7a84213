/**
 * The outline of a file (textDocument/documentSymbol: tables with their
 * fields, strategies with their outcomes, every other declaration with its
 * label) and a search over every declaration of the workspace
 * (workspace/symbol: case-insensitive subsequence, best matches first).
 *
 * Symbol kinds, chosen for the icon a reader recognises: table Struct, field
 * Field, constant Constant, list Array, map Object, metric Property (a value
 * per customer), segment Class (a class of customers), strategy Enum with its
 * outcomes as EnumMember, offer and offer family Event, plan Function (it
 * runs), test Method, audience Namespace.
 */
import type { Declaration, Span, StrategyDecl, StrategyRule, SymbolDeclaration, SymbolKind as SegKind } from '@seg/core';
import {
  SymbolKind,
  type DocumentSymbol,
  type DocumentSymbolParams,
  type SymbolInformation,
  type WorkspaceSymbolParams,
} from 'vscode-languageserver';
import type { Feature } from '../server-context';
import type { WorkspaceSnapshot } from '../workspace-state';
import { locationOf, qualifiedName } from './symbol-lookup';

const KINDS: Readonly<Record<SegKind, SymbolKind>> = {
  table: SymbolKind.Struct,
  field: SymbolKind.Field,
  const: SymbolKind.Constant,
  list: SymbolKind.Array,
  map: SymbolKind.Object,
  metric: SymbolKind.Property,
  segment: SymbolKind.Class,
  strategy: SymbolKind.Enum,
  outcome: SymbolKind.EnumMember,
  offer: SymbolKind.Event,
  offerFamily: SymbolKind.Event,
  plan: SymbolKind.Function,
};

/** Enough for any picker; a longer query narrows it. */
const MAX_WORKSPACE_SYMBOLS = 1000;

export function documentSymbols(snapshot: WorkspaceSnapshot, params: DocumentSymbolParams): DocumentSymbol[] | null {
  const path = snapshot.pathOf(params.textDocument.uri);
  const file = path === undefined ? undefined : snapshot.check.files.find((f) => f.path === path);
  if (!file) return null;
  const lines = snapshot.lines(file.path);
  const symbol = (name: string, kind: SymbolKind, span: Span, nameSpan: Span, detail?: string, children?: DocumentSymbol[]): DocumentSymbol => ({
    name,
    kind,
    range: lines.range(span),
    selectionRange: lines.range(nameSpan),
    ...(detail ? { detail } : {}),
    ...(children ? { children } : {}),
  });
  const fields = (table: Declaration) =>
    snapshot.check.symbols.declarations
      .filter((d) => d.kind === 'field' && d.file === file.path && d.span.start >= table.span.start && d.span.end <= table.span.end)
      .sort((a, b) => a.nameSpan.start - b.nameSpan.start)
      .map((d) => symbol(d.name, SymbolKind.Field, d.span, d.nameSpan, d.detail));

  const result: DocumentSymbol[] = [];
  for (const decl of file.declarations) {
    switch (decl.kind) {
      case 'Audience':
        if (decl.table.text) result.push(symbol('audience', SymbolKind.Namespace, decl.span, decl.table.span, decl.table.text));
        break;
      case 'Test':
        if (decl.title.value) result.push(symbol(decl.title.value, SymbolKind.Method, decl.span, decl.title.span, 'test'));
        break;
      default: {
        if (!decl.name.text) break; // the parser could not read the name: already reported
        const kind = KINDS[SEG_KINDS[decl.kind]];
        const children = decl.kind === 'Table' ? fields(decl) : decl.kind === 'Strategy' ? outcomes(decl, symbol) : undefined;
        result.push(symbol(decl.name.text, kind, decl.span, decl.name.span, decl.label?.value, children));
      }
    }
  }
  return result;
}

type MakeSymbol = (name: string, kind: SymbolKind, span: Span, nameSpan: Span, detail?: string) => DocumentSymbol;

const SEG_KINDS: Readonly<Record<Exclude<Declaration['kind'], 'Audience' | 'Test'>, SegKind>> = {
  Table: 'table',
  Const: 'const',
  List: 'list',
  Map: 'map',
  Metric: 'metric',
  Segment: 'segment',
  Strategy: 'strategy',
  Offer: 'offer',
  OfferFamily: 'offerFamily',
  Plan: 'plan',
};

/** Each outcome a strategy can produce, at its first rule, with the blocks that produce it. */
function outcomes(strategy: StrategyDecl, symbol: MakeSymbol): DocumentSymbol[] {
  const found = new Map<string, { rule: StrategyRule; blocks: string[] }>();
  for (const block of [strategy.primary, strategy.secondary]) {
    for (const rule of block?.rules ?? []) {
      if (!rule.outcome.text) continue;
      const seen = found.get(rule.outcome.text);
      if (!seen) found.set(rule.outcome.text, { rule, blocks: [block!.which] });
      else if (!seen.blocks.includes(block!.which)) seen.blocks.push(block!.which);
    }
  }
  return [...found].map(([name, { rule, blocks }]) => symbol(name, SymbolKind.EnumMember, rule.span, rule.outcome.span, blocks.join(', ')));
}

export function workspaceSymbols(snapshot: WorkspaceSnapshot, params: WorkspaceSymbolParams): SymbolInformation[] {
  const query = params.query.toLowerCase();
  const ranked: { declaration: SymbolDeclaration; score: number }[] = [];
  for (const declaration of snapshot.check.symbols.declarations) {
    const score = Math.min(matchScore(query, declaration.name.toLowerCase()), matchScore(query, qualifiedName(declaration).toLowerCase()));
    if (score < Infinity) ranked.push({ declaration, score });
  }
  ranked.sort((a, b) => a.score - b.score || a.declaration.name.length - b.declaration.name.length || (a.declaration.name < b.declaration.name ? -1 : 1));
  return ranked.slice(0, MAX_WORKSPACE_SYMBOLS).map(({ declaration }) => ({
    name: declaration.name,
    kind: KINDS[declaration.kind],
    location: locationOf(snapshot, declaration.file, declaration.nameSpan),
    ...(declaration.table ? { containerName: declaration.table } : {}),
  }));
}

/**
 * How well `name` matches `query` (both lower case), lower is better:
 * 0 equal, 1 prefix, 2 substring, 3 subsequence (`s12` finds `spend_12m`), Infinity no match.
 */
export function matchScore(query: string, name: string): number {
  if (query === '' || name === query) return 0;
  if (name.startsWith(query)) return 1;
  if (name.includes(query)) return 2;
  let at = 0;
  for (const char of query) {
    at = name.indexOf(char, at) + 1;
    if (at === 0) return Infinity;
  }
  return 3;
}

export const symbolsFeature: Feature = {
  capabilities: { documentSymbolProvider: true, workspaceSymbolProvider: true },
  register(context) {
    context.connection.onDocumentSymbol((params) => documentSymbols(context.snapshot(), params));
    context.connection.onWorkspaceSymbol((params) => workspaceSymbols(context.snapshot(), params));
  },
};
