/**
 * Every declaration and every reference the checker resolved, for the language
 * server: go-to-definition (reference → declaration), find references
 * (declaration id → references) and rename (the declaration's name span plus
 * every reference span, all of which cover exactly the name as written).
 *
 * Ids are stable strings: `metric:spend_12m`, `table:orders`,
 * `field:orders.total`, `outcome:retain`. Plain data, so it can cross a worker
 * or process boundary.
 */
import type { Span } from '../text/span';

export type SymbolKind =
  | 'table'
  | 'field'
  | 'const'
  | 'list'
  | 'map'
  | 'metric'
  | 'segment'
  | 'strategy'
  | 'outcome'
  | 'offer'
  | 'offerFamily'
  | 'plan';

export interface SymbolDeclaration {
  readonly id: string;
  readonly name: string;
  readonly kind: SymbolKind;
  readonly file: string;
  /** The name as written in the declaration (what rename replaces). */
  readonly nameSpan: Span;
  /** The whole declaration (what hover and outline highlight). */
  readonly span: Span;
  readonly label?: string;
  readonly doc?: string;
  /** For fields: the table they belong to. */
  readonly table?: string;
  /** A short type for hover: `number`, `text in ("web", "app")`, `link to orders`, `segment`. */
  readonly detail?: string;
}

export interface SymbolReference {
  readonly file: string;
  /** Exactly the referring name (one part of a dotted name). */
  readonly span: Span;
  /** The id of the declaration referred to. */
  readonly target: string;
}

export interface SymbolIndex {
  readonly declarations: readonly SymbolDeclaration[];
  readonly references: readonly SymbolReference[];
}

export function symbolId(kind: SymbolKind, name: string, table?: string): string {
  return kind === 'field' ? `field:${table}.${name}` : `${kind}:${name}`;
}

/** Collects symbols while checking; `build()` hands out the finished index. */
export class SymbolIndexBuilder {
  private readonly declarations: SymbolDeclaration[] = [];
  private readonly references: SymbolReference[] = [];

  declare(declaration: SymbolDeclaration): void {
    this.declarations.push(declaration);
  }

  reference(file: string, span: Span, target: string): void {
    this.references.push({ file, span, target });
  }

  build(): SymbolIndex {
    return { declarations: this.declarations, references: this.references };
  }
}

function contains(span: Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}

/**
 * The symbol under the cursor: a reference or a declaration's name. Returns the
 * target id and where the name is, or undefined over anything else.
 */
export function symbolAt(index: SymbolIndex, file: string, offset: number): { id: string; span: Span } | undefined {
  for (const reference of index.references) {
    if (reference.file === file && contains(reference.span, offset)) return { id: reference.target, span: reference.span };
  }
  for (const declaration of index.declarations) {
    if (declaration.file === file && contains(declaration.nameSpan, offset)) return { id: declaration.id, span: declaration.nameSpan };
  }
  return undefined;
}

/** The declaration(s) of an id (more than one only when a name is declared twice). */
export function declarationsOf(index: SymbolIndex, id: string): SymbolDeclaration[] {
  return index.declarations.filter((declaration) => declaration.id === id);
}

/** Every reference to an id, in index order (files in path order, then source order of checking). */
export function referencesTo(index: SymbolIndex, id: string): SymbolReference[] {
  return index.references.filter((reference) => reference.target === id);
}
