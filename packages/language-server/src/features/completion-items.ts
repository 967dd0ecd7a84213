/**
 * Completion items as LSP wants them, built into one list per request: each
 * replaces the word being typed (a `textEdit` over the same range), sorts by
 * a group first (what fits the context best comes first), and carries a kind,
 * a detail (type, label) and the doc comment where there is one. A label is
 * offered once: the first, best-placed item wins.
 */
import type { SymbolDeclaration, SymbolKind } from '@seg/core';
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type Range } from 'vscode-languageserver';
import type { FieldInfo, TableInfo } from './completion-scope';
import { KIND_WORDS } from './symbol-lookup';

/** Sort groups: the context's own names, workspace names, audience fields, functions, keywords, snippets. */
export const GROUP = { context: '0', workspace: '1', audience: '2', functions: '3', keywords: '4', snippets: '5' } as const;
type Group = (typeof GROUP)[keyof typeof GROUP];

const SYMBOL_KINDS: Readonly<Record<SymbolKind, CompletionItemKind>> = {
  table: CompletionItemKind.Struct,
  field: CompletionItemKind.Field,
  const: CompletionItemKind.Constant,
  list: CompletionItemKind.Constant,
  map: CompletionItemKind.Constant,
  metric: CompletionItemKind.Variable,
  segment: CompletionItemKind.Class,
  strategy: CompletionItemKind.Enum,
  outcome: CompletionItemKind.EnumMember,
  offer: CompletionItemKind.Value,
  offerFamily: CompletionItemKind.Value,
  plan: CompletionItemKind.Module,
};

export interface ItemOptions {
  readonly detail?: string;
  readonly doc?: string;
  /** Text to insert instead of the label. */
  readonly insert?: string;
  readonly snippet?: boolean;
  readonly filter?: string;
}

export class ItemList {
  private readonly items = new Map<string, CompletionItem>();

  constructor(private readonly range: Range) {}

  add(label: string, kind: CompletionItemKind, group: Group, options: ItemOptions = {}): void {
    const key = `${label}\u0000${kind === CompletionItemKind.Snippet ? 's' : ''}`;
    if (this.items.has(key)) return;
    this.items.set(key, {
      label,
      kind,
      sortText: `${group}${label}`,
      textEdit: { range: this.range, newText: options.insert ?? label },
      ...(options.snippet ? { insertTextFormat: InsertTextFormat.Snippet } : {}),
      ...(options.filter ? { filterText: options.filter } : {}),
      ...(options.detail ? { detail: options.detail } : {}),
      ...(options.doc ? { documentation: { kind: MarkupKind.Markdown, value: options.doc } } : {}),
    });
  }

  declaration(declaration: SymbolDeclaration, group: Group, type?: string): void {
    const kind = KIND_WORDS[declaration.kind];
    const detail = `${kind}${type ? `: ${type}` : ''}${declaration.label ? ` — ${declaration.label}` : ''}`;
    this.add(declaration.name, SYMBOL_KINDS[declaration.kind], group, { detail, ...(declaration.doc ? { doc: declaration.doc } : {}) });
  }

  field(field: FieldInfo, group: Group): void {
    this.add(field.name, CompletionItemKind.Field, group, {
      detail: `${field.detail} — field of ${field.table}`,
      ...(field.doc ? { doc: field.doc } : {}),
    });
  }

  fields(table: TableInfo, group: Group): void {
    for (const field of table.fields.values()) this.field(field, group);
  }

  table(table: TableInfo, group: Group): void {
    const detail = table.builtin ? 'table (built in)' : table.events ? 'table of events' : 'table';
    this.add(table.name, CompletionItemKind.Struct, group, { detail, ...(table.doc ? { doc: table.doc } : {}) });
  }

  /** Enumerated values: quoted in code, bare inside a string (closing it if it is open). */
  values(values: readonly string[], field: string, quoted: boolean, closeQuote = false): void {
    for (const value of values) {
      const literal = JSON.stringify(value);
      const text = quoted ? literal : literal.slice(1, -1);
      this.add(quoted ? literal : value, CompletionItemKind.EnumMember, GROUP.context, { detail: `value of ${field}`, insert: closeQuote ? `${text}"` : text });
    }
  }

  list(): CompletionItem[] {
    return [...this.items.values()];
  }
}
