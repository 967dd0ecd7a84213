/**
 * Hover: what a name is. For a declaration or any reference to one: its kind,
 * name, label, type, definition (constants, lists, metrics), where it comes
 * from (table key and time, which strategies produce an outcome) and its doc
 * comment. For a built-in function or aggregate: how it is called and what it
 * gives. Live audience sizes come from elsewhere through `sizeOf`.
 */
import { AGGREGATE_FNS, BUILTIN_FUNCTIONS, declarationsOf, type Name, type SourceFile, type SymbolDeclaration } from '@seg/core';
import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver';
import type { Feature, ServerContext } from '../server-context';
import type { WorkspaceSnapshot } from '../workspace-state';
import { KIND_WORDS, nodeOf, qualifiedName, symbolUnder } from './symbol-lookup';

/**
 * A segment's or plan's audience size as text (`12,408 customers`), or
 * undefined when it is not known (yet). Supplied by the size-preview feature.
 */
export type SizeOf = (name: string, kind: 'segment' | 'plan') => string | undefined;

export interface HoverOptions {
  readonly sizeOf?: SizeOf;
}

/** Longer definitions are cut: the hover is a reminder, the file has the rest. */
const MAX_DEFINITION = 160;

export function hoverAt(snapshot: WorkspaceSnapshot, params: HoverParams, options: HoverOptions = {}): Hover | null {
  const path = snapshot.pathOf(params.textDocument.uri);
  if (path === undefined || !snapshot.texts.has(path)) return null;
  const lines = snapshot.lines(path);
  const hit = symbolUnder(snapshot, params.textDocument.uri, params.position);
  if (hit) {
    const declarations = declarationsOf(snapshot.check.symbols, hit.id);
    // On one of two declarations of a name, describe that one.
    const declaration = declarations.find((d) => d.file === path && d.nameSpan.start === hit.span.start) ?? declarations[0];
    if (!declaration) return null;
    return { contents: { kind: MarkupKind.Markdown, value: describeDeclaration(snapshot, declaration, options) }, range: lines.range(hit.span) };
  }
  const callee = calleeAt(snapshot.check.files.find((f) => f.path === path), lines.offset(params.position));
  const builtin = callee && BUILTIN_FUNCTIONS.get(callee.text);
  if (!callee || !builtin) return null;
  const what = (AGGREGATE_FNS as readonly string[]).includes(builtin.name) ? 'aggregate' : 'function';
  const value = [`**${what}** \`${builtin.name}\``, fence(builtin.signature), builtin.description].join('\n\n');
  return { contents: { kind: MarkupKind.Markdown, value }, range: lines.range(callee.span) };
}

function describeDeclaration(snapshot: WorkspaceSnapshot, declaration: SymbolDeclaration, options: HoverOptions): string {
  const type = typeOf(snapshot, declaration);
  const parts = [`**${KIND_WORDS[declaration.kind]}** \`${qualifiedName(declaration)}\`${type ? `: \`${type}\`` : ''}`];
  if (declaration.label) parts.push(`*${escapeMarkdown(declaration.label)}*`);
  const definition = definitionOf(snapshot, declaration);
  if (definition) parts.push(fence(definition));
  parts.push(...facts(snapshot, declaration));
  if (declaration.doc) parts.push(`---\n\n${declaration.doc}`);
  if ((declaration.kind === 'segment' || declaration.kind === 'plan') && options.sizeOf) {
    const size = options.sizeOf(declaration.name, declaration.kind);
    if (size) parts.push(size);
  }
  return parts.join('\n\n');
}

/** The type worth showing: a field's (`text in (…)`, `link to orders`), a metric's as far as the checker got (also while other parts have errors). */
function typeOf(snapshot: WorkspaceSnapshot, declaration: SymbolDeclaration): string | undefined {
  if (declaration.kind === 'field') return declaration.detail;
  if (declaration.kind === 'metric') {
    const type = snapshot.check.metricTypes.get(declaration.name);
    return type === 'unknown' ? undefined : type;
  }
  return undefined;
}

/** The source of a short definition (constants, lists, metrics), whitespace collapsed. */
function definitionOf(snapshot: WorkspaceSnapshot, declaration: SymbolDeclaration): string | undefined {
  if (declaration.kind !== 'const' && declaration.kind !== 'list' && declaration.kind !== 'metric') return undefined;
  const text = snapshot.texts.get(declaration.file)?.slice(declaration.span.start, declaration.span.end).replace(/\s+/g, ' ');
  if (!text) return undefined;
  return text.length > MAX_DEFINITION ? `${text.slice(0, MAX_DEFINITION - 1)}…` : text;
}

/** What else a reader wants to know about where the symbol comes from. */
function facts(snapshot: WorkspaceSnapshot, declaration: SymbolDeclaration): string[] {
  switch (declaration.kind) {
    case 'table': {
      const node = nodeOf(snapshot, declaration);
      if (node?.kind !== 'Table') return [];
      const audience = snapshot.check.files.flatMap((f) => f.declarations).find((d) => d.kind === 'Audience');
      const parts = [
        ...(node.key ? [`key \`${node.key.text}\``] : []),
        ...(node.time ? [`time \`${node.time.text}\``] : []),
        ...(audience?.kind === 'Audience' && audience.table.text === declaration.name ? ['the audience'] : []),
      ];
      return parts.length > 0 ? [parts.join(' · ')] : [];
    }
    case 'outcome':
      return outcomeFacts(snapshot.check.files, declaration.name);
    default:
      return [];
  }
}

/** Which strategies produce an outcome (primary, secondary) and which offers pursue it. */
function outcomeFacts(files: readonly SourceFile[], outcome: string): string[] {
  const producers: string[] = [];
  const offers: string[] = [];
  for (const decl of files.flatMap((f) => f.declarations)) {
    if (decl.kind === 'Strategy') {
      const blocks = [decl.primary, decl.secondary].filter((b) => b?.rules.some((rule) => rule.outcome.text === outcome));
      if (blocks.length > 0) producers.push(`\`${decl.name.text}\` (${blocks.map((b) => b!.which).join(', ')})`);
    } else if (decl.kind === 'Offer' || decl.kind === 'OfferFamily') {
      if (decl.properties.some((p) => p.key === 'strategy' && p.outcome.text === outcome)) offers.push(`\`${decl.name.text}\``);
    }
  }
  return [
    ...(producers.length > 0 ? [`Produced by ${producers.join(', ')}`] : []),
    ...(offers.length > 0 ? [`Offers: ${offers.join(', ')}`] : []),
  ];
}

/** The callee of the call or aggregate whose name covers `offset`, walking only nodes that contain it. */
function calleeAt(file: SourceFile | undefined, offset: number): Name | undefined {
  const visit = (node: unknown): Name | undefined => {
    if (typeof node !== 'object' || node === null) return undefined;
    if (Array.isArray(node)) {
      for (const item of node) {
        const found = visit(item);
        if (found) return found;
      }
      return undefined;
    }
    const { span, kind, callee } = node as { span?: { start: number; end: number }; kind?: string; callee?: Name };
    if (span && (offset < span.start || offset > span.end)) return undefined;
    if ((kind === 'Call' || kind === 'Aggregate') && callee && callee.span.start <= offset && offset <= callee.span.end) return callee;
    for (const value of Object.values(node)) {
      const found = visit(value);
      if (found) return found;
    }
    return undefined;
  };
  return visit(file?.declarations);
}

function fence(code: string): string {
  return `\`\`\`seg\n${code}\n\`\`\``;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#|]/g, (c) => `\\${c}`);
}

/** Hover; `sizes` gives the server's live sizes (they need the server's context, so they come at registration). */
export function createHoverFeature(sizes?: (context: ServerContext) => SizeOf): Feature {
  return {
    capabilities: { hoverProvider: true },
    register(context) {
      const options: HoverOptions = sizes ? { sizeOf: sizes(context) } : {};
      context.connection.onHover((params) => hoverAt(context.snapshot(), params, options));
    },
  };
}
