/**
 * Semantic tokens: the lexer's classes (keywords, strings, numbers, comments,
 * operators) and, what a TextMate grammar cannot know, each name coloured by
 * what the checker resolved it to (a segment, a metric, a table's field…).
 * A name the checker could not resolve gets no token, so the editor's grammar
 * colours it as before.
 *
 * Seg kinds map onto standard token types, so every theme colours them:
 * table → type, field → property, const/list/map → variable + readonly,
 * metric → variable, segment → class, strategy → enum, outcome → enumMember,
 * offer → struct, plan → namespace, built-in and aggregate functions →
 * function + defaultLibrary. A declaration's name has `declaration`, a doc
 * comment `documentation`.
 */
import { lexicalTokens, type LexicalClass, type SourceFile, type SymbolIndex, type SymbolKind } from '@seg/core';
import type { Range, SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver';
import type { Feature } from '../server-context';
import type { WorkspaceSnapshot } from '../workspace-state';
import { docCommentStarts } from './doc-comment-starts';
import { forEachNode, isName } from './syntax-nodes';

const TOKEN_TYPES = ['keyword', 'string', 'number', 'comment', 'operator', 'type', 'property', 'variable', 'class', 'enum', 'enumMember', 'struct', 'namespace', 'function'] as const;
const TOKEN_MODIFIERS = ['declaration', 'readonly', 'defaultLibrary', 'documentation'] as const;
type TokenType = (typeof TOKEN_TYPES)[number];
type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

interface Style {
  readonly type: TokenType;
  readonly modifiers?: readonly TokenModifier[];
}

const CONSTANT: Style = { type: 'variable', modifiers: ['readonly'] };
const BUILT_IN_VALUE: Style = { type: 'variable', modifiers: ['readonly', 'defaultLibrary'] };
const SYMBOL_STYLES: Readonly<Record<SymbolKind, Style>> = {
  table: { type: 'type' },
  field: { type: 'property' },
  const: CONSTANT,
  list: CONSTANT,
  map: CONSTANT,
  metric: { type: 'variable' },
  segment: { type: 'class' },
  strategy: { type: 'enum' },
  outcome: { type: 'enumMember' },
  offer: { type: 'struct' },
  offerFamily: { type: 'struct' },
  plan: { type: 'namespace' },
};
const LEXICAL_STYLES: Partial<Record<LexicalClass, Style>> = {
  keyword: { type: 'keyword' },
  string: { type: 'string' },
  number: { type: 'number' },
  operator: { type: 'operator' },
};

/** One token to colour: a span of the file (a comment may span lines; encoding splits it). */
export interface ClassifiedToken {
  readonly start: number;
  readonly end: number;
  readonly style: Style;
}

export const semanticTokensFeature: Feature = {
  capabilities: { semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true, range: true } },
  register(context) {
    context.connection.languages.semanticTokens.on(({ textDocument }) => semanticTokens(context.snapshot(), textDocument.uri));
    context.connection.languages.semanticTokens.onRange(({ textDocument, range }) => semanticTokens(context.snapshot(), textDocument.uri, range));
    // A rename in one file recolours its uses in the others, which the client would not ask about again:
    // once edits pause, ask it to (clients that say they take the request).
    let timer: NodeJS.Timeout | undefined;
    context.onChange(() => {
      if (context.clientCapabilities().workspace?.semanticTokens?.refreshSupport !== true) return;
      clearTimeout(timer);
      timer = setTimeout(() => void context.connection.languages.semanticTokens.refresh().catch(() => undefined), REFRESH_AFTER_MS);
    });
  },
};

const REFRESH_AFTER_MS = 300;

/** The encoded tokens of a document (of the lines `range` touches, if given). */
export function semanticTokens(snapshot: WorkspaceSnapshot, uri: string, range?: Range): SemanticTokens {
  const path = snapshot.pathOf(uri);
  const file = snapshot.check.files.find((f) => f.path === path);
  if (path === undefined || !file) return { data: [] };
  const lines = snapshot.lines(path);
  const data: number[] = [];
  let previousLine = 0;
  let previousStart = 0;
  for (const token of classifyTokens(file, snapshot.check.symbols)) {
    for (const piece of splitByLine(file.text, token.start, token.end)) {
      const { line, character } = lines.position(piece.start);
      if (range && (line < range.start.line || line > range.end.line)) continue;
      data.push(line - previousLine, line === previousLine ? character - previousStart : character, piece.end - piece.start);
      data.push(TOKEN_TYPES.indexOf(token.style.type), modifierBits(token.style.modifiers));
      previousLine = line;
      previousStart = character;
    }
  }
  return { data };
}

/** Every token of a file worth colouring, in source order. */
export function classifyTokens(file: SourceFile, symbols: SymbolIndex): ClassifiedToken[] {
  const resolved = new Map<number, Style>();
  for (const reference of symbols.references) {
    if (reference.file === file.path) resolved.set(reference.span.start, SYMBOL_STYLES[kindOf(reference.target)]);
  }
  for (const declaration of symbols.declarations) {
    if (declaration.file !== file.path) continue;
    const style = SYMBOL_STYLES[declaration.kind];
    resolved.set(declaration.nameSpan.start, { type: style.type, modifiers: [...(style.modifiers ?? []), 'declaration'] });
  }
  const { names, builtIns } = namesInTree(file);
  const documentation = docCommentStarts(file);
  const tokens: ClassifiedToken[] = [];
  for (const { start, end, tokenClass } of lexicalTokens(file.text)) {
    const style =
      tokenClass === 'comment'
        ? { type: 'comment' as const, modifiers: documentation.has(start) ? (['documentation'] as const) : [] }
        : (resolved.get(start) ?? builtIns.get(start) ?? (names.has(start) ? undefined : LEXICAL_STYLES[tokenClass]));
    if (style) tokens.push({ start, end, style });
  }
  return tokens;
}

/**
 * Where the tree has names (so a soft keyword there is a name, not a keyword), and the names the
 * language itself gives meaning to: functions, scalar types, `today`/`now`, and `offer.…` in offers.
 */
function namesInTree(file: SourceFile): { names: Set<number>; builtIns: Map<number, Style> } {
  const names = new Set<number>();
  const builtIns = new Map<number, Style>();
  forEachNode(file.declarations, (node) => {
    if (isName(node)) names.add(node.span.start);
    else if (node.kind === 'Call' || node.kind === 'Aggregate') {
      builtIns.set((node.callee as { span: { start: number } }).span.start, { type: 'function', modifiers: ['defaultLibrary'] });
    } else if (node.kind === 'Type') builtIns.set(node.span.start, { type: 'type', modifiers: ['defaultLibrary'] });
    else if (node.kind === 'Now' || node.kind === 'Today') builtIns.set(node.span.start, BUILT_IN_VALUE);
    else if (node.kind === 'Ref') {
      const [head, ...rest] = node.parts as readonly { span: { start: number }; text: string }[];
      if (head?.text !== 'offer' || rest.length === 0) return;
      builtIns.set(head.span.start, BUILT_IN_VALUE);
      for (const part of rest) builtIns.set(part.span.start, { type: 'property' });
    }
  });
  return { names, builtIns };
}

function kindOf(id: string): SymbolKind {
  return id.slice(0, id.indexOf(':')) as SymbolKind;
}

function modifierBits(modifiers: readonly TokenModifier[] = []): number {
  let bits = 0;
  for (const modifier of modifiers) bits |= 1 << TOKEN_MODIFIERS.indexOf(modifier);
  return bits;
}

/** A token's pieces on each line it covers (clients need not support tokens spanning lines). */
function splitByLine(text: string, start: number, end: number): { start: number; end: number }[] {
  const pieces: { start: number; end: number }[] = [];
  let from = start;
  for (;;) {
    const newline = text.indexOf('\n', from);
    if (newline < 0 || newline >= end) break;
    const pieceEnd = newline > from && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
    if (pieceEnd > from) pieces.push({ start: from, end: pieceEnd });
    from = newline + 1;
  }
  if (end > from) pieces.push({ start: from, end });
  return pieces;
}
