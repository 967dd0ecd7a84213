/**
 * State shared by the checker's passes: the namespace, the data model being
 * built, lowered constants, metric types, strategy outcomes, and the sinks for
 * diagnostics and symbols. One context per `checkWorkspace` call.
 */
import type { Diagnostic, RelatedLocation, Suggestion } from '../diagnostics/diagnostic';
import { CHECK_CODES, type CheckCode } from '../diagnostics/check-codes';
import type {
  ConstDecl,
  ListDecl,
  MapDecl,
  MetricDecl,
  OfferDecl,
  OfferFamilyDecl,
  PlanDecl,
  SegmentDecl,
  StrategyDecl,
  TableDecl,
} from '../syntax/ast';
import type { IrExpr, ScalarType, TableDef, ValueType } from '../model/ir';
import type { Span } from '../text/span';
import { SymbolIndexBuilder, type SymbolKind } from './symbol-index';

/** A type while checking: `unknown` marks a value whose error was already reported (no cascades). */
export type Ty = ValueType | 'unknown';

export type DeclEntry =
  | { readonly kind: 'table'; readonly name: string; readonly file: string; readonly node: TableDecl }
  | { readonly kind: 'const'; readonly name: string; readonly file: string; readonly node: ConstDecl }
  | { readonly kind: 'list'; readonly name: string; readonly file: string; readonly node: ListDecl }
  | { readonly kind: 'map'; readonly name: string; readonly file: string; readonly node: MapDecl }
  | { readonly kind: 'metric'; readonly name: string; readonly file: string; readonly node: MetricDecl }
  | { readonly kind: 'segment'; readonly name: string; readonly file: string; readonly node: SegmentDecl }
  | { readonly kind: 'strategy'; readonly name: string; readonly file: string; readonly node: StrategyDecl }
  | { readonly kind: 'offer'; readonly name: string; readonly file: string; readonly node: OfferDecl }
  | { readonly kind: 'offerFamily'; readonly name: string; readonly file: string; readonly node: OfferFamilyDecl }
  | { readonly kind: 'plan'; readonly name: string; readonly file: string; readonly node: PlanDecl };

export type DeclKind = DeclEntry['kind'];

/** Declarations whose names are values in expressions. */
export const VALUE_KINDS: ReadonlySet<DeclKind> = new Set(['const', 'list', 'map', 'metric', 'segment']);

/** `a metric`, `an offer family`: for messages. */
export function kindPhrase(kind: DeclKind | SymbolKind): string {
  switch (kind) {
    case 'offerFamily':
      return 'an offer family';
    case 'offer':
    case 'outcome':
      return `an ${kind}`;
    case 'const':
      return 'a constant';
    default:
      return `a ${kind}`;
  }
}

/** An inlined map: entries by key, values as a literal list. */
export interface MapValue {
  readonly keyType: ScalarType;
  readonly itemType: ScalarType;
  readonly entries: readonly { readonly key: string | number; readonly values: readonly (string | number | boolean)[] }[];
}

/** Where an expression is being checked: decides which names are in scope. */
export interface Env {
  readonly file: string;
  /** Inside an aggregate: the event table whose fields come first. */
  readonly event?: TableDef;
  /** Inside an offer or family definition. */
  readonly offer?: { readonly name: string; readonly source?: TableDef; readonly property: string };
  /** Inside a plan: `ranking` is `rank by` and `boost` (where `offer.…`, `score`, `primary`… exist). */
  readonly plan?: { readonly name: string; readonly strategy?: string; readonly part: 'audience' | 'ranking' | 'other' };
}

export interface ReportExtra {
  readonly suggestions?: readonly Suggestion[];
  readonly related?: readonly RelatedLocation[];
}

export interface Outcome {
  readonly file: string;
  readonly span: Span;
}

export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly symbols = new SymbolIndexBuilder();
  /** The one namespace: the first declaration of each name (duplicates are reported and skipped). */
  readonly decls = new Map<string, DeclEntry>();
  /** Model tables, filled by the data-model pass. */
  readonly tables = new Map<string, TableDef>();
  audience = '';
  /** Lowered `const` and `list` values (literal, time or list IR), by name. */
  readonly constValues = new Map<string, IrExpr>();
  readonly mapValues = new Map<string, MapValue>();
  readonly metricTypes = new Map<string, Ty>();
  /** Every strategy outcome, at its first occurrence (files in path order). */
  readonly outcomes = new Map<string, Outcome>();
  /** Outcomes each strategy can produce. */
  readonly strategyOutcomes = new Map<string, readonly string[]>();

  constructor(
    readonly timezone: string,
    /** File texts by path, for quoting source in messages. */
    private readonly texts: ReadonlyMap<string, string>,
  ) {}

  /** The source text of a span, shortened for a message: `orders.total`. */
  snippet(file: string, span: Span): string {
    const text = (this.texts.get(file) ?? '').slice(span.start, span.end).replace(/\s+/g, ' ');
    return text.length > 40 ? `${text.slice(0, 37)}…` : text;
  }

  report(code: CheckCode, file: string, span: Span, message: string, extra: ReportExtra = {}): void {
    this.diagnostics.push({ code, severity: CHECK_CODES[code].severity, message, file, span, ...extra });
  }

  hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }

  /** A quick fix replacing `span` with `replacement`. */
  replaceWith(file: string, span: Span, replacement: string): Suggestion {
    return { title: `Change to \`${replacement}\``, file, span, replacement };
  }

  audienceTable(): TableDef | undefined {
    return this.tables.get(this.audience);
  }
}

/** The IR left where an error was reported: type `unknown` silences follow-up errors. */
export function errorIr(): IrExpr {
  return { kind: 'literal', type: 'unknown', value: null } as unknown as IrExpr;
}

export function typeOf(ir: IrExpr): Ty {
  return ir.type as Ty;
}

/** `a number`, `text`, `a condition`: how a type reads in a message. */
export function typePhrase(type: Ty): string {
  switch (type) {
    case 'number':
      return 'a number';
    case 'text':
      return 'text';
    case 'bool':
      return 'a condition (yes/no)';
    case 'date':
      return 'a date';
    case 'timestamp':
      return 'a timestamp';
    case 'list':
      return 'a list';
    case 'outcome':
      return 'a strategy outcome';
    case 'duration':
      return 'a duration';
    default:
      return 'unknown';
  }
}

export function isTimeType(type: Ty): boolean {
  return type === 'date' || type === 'timestamp';
}

/** Whether two types can be compared: the same type, or a date with a timestamp. */
export function comparable(a: Ty, b: Ty): boolean {
  if (a === 'unknown' || b === 'unknown') return true;
  if (a === 'list' || b === 'list' || a === 'duration' || b === 'duration') return false;
  return a === b || (isTimeType(a) && isTimeType(b));
}
