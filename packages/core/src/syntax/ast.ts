/**
 * The typed syntax tree of a `.seg` file. Every node keeps its source span
 * (offsets into the file's text). Error recovery can leave holes: a child the
 * parser could not build is an `ErrorExpr` (for expressions) or is absent
 * (optional fields), never a crash.
 */
import type { Span } from '../text/span';

interface Node {
  readonly span: Span;
}

/** One occurrence of an identifier. */
export interface Name extends Node {
  readonly text: string;
}

export interface SourceFile {
  readonly kind: 'File';
  readonly path: string;
  readonly text: string;
  readonly declarations: readonly Declaration[];
  /** Every comment, in order; the formatter keeps them. */
  readonly comments: readonly Comment[];
}

export interface Comment extends Node {
  /** The raw text including `//` or the block delimiters. */
  readonly text: string;
  readonly block: boolean;
}

// ---------------------------------------------------------------------------
// Declarations

export type Declaration =
  | AudienceDecl
  | TableDecl
  | ConstDecl
  | ListDecl
  | MapDecl
  | MetricDecl
  | SegmentDecl
  | StrategyDecl
  | OfferDecl
  | OfferFamilyDecl
  | PlanDecl
  | TestDecl;

/** What every named declaration carries. */
interface NamedDecl extends Node {
  readonly name: Name;
  /** `segment dormant "Lapsed customers" { … }` */
  readonly label?: StringLit;
  /** Text of the comment block directly above the declaration, markers stripped. */
  readonly doc?: string;
}

/** `audience customers` */
export interface AudienceDecl extends Node {
  readonly kind: 'Audience';
  readonly table: Name;
  readonly doc?: string;
}

/** `table orders key order_id time placed_at { … }` */
export interface TableDecl extends NamedDecl {
  readonly kind: 'Table';
  readonly key?: Name;
  readonly time?: Name;
  readonly fields: readonly FieldDecl[];
}

export type FieldDecl = ColumnField | LinkField;

/** `total number`, `channel text in ("web", "store")`, `email text as "E-mail"` */
export interface ColumnField extends Node {
  readonly kind: 'Column';
  readonly name: Name;
  readonly type: TypeRef;
  /** `as "Column Name"` when the database column differs from the field name. */
  readonly column?: StringLit;
  readonly doc?: string;
}

export type ScalarTypeName = 'text' | 'number' | 'bool' | 'date' | 'timestamp';

export interface TypeRef extends Node {
  readonly kind: 'Type';
  readonly name: ScalarTypeName;
  /** Enumerated values of `text in (…)`. */
  readonly values?: readonly StringLit[];
}

/** `customer -> customers on customer_id` */
export interface LinkField extends Node {
  readonly kind: 'Link';
  readonly name: Name;
  readonly target: Name;
  /** The column of this table holding the linked row's key. */
  readonly on: Name;
  readonly column?: StringLit;
  readonly doc?: string;
}

/** `const vip_threshold = 1000` */
export interface ConstDecl extends NamedDecl {
  readonly kind: 'Const';
  readonly value: Expr;
}

/** `list outdoor = ("Outdoor", "Camping")` */
export interface ListDecl extends NamedDecl {
  readonly kind: 'List';
  readonly value: Expr;
}

/** `map adjacent { "Baby" -> ("Toys") … }` */
export interface MapDecl extends NamedDecl {
  readonly kind: 'Map';
  readonly entries: readonly MapEntry[];
}

export interface MapEntry extends Node {
  readonly key: Expr;
  readonly value: Expr;
}

/** `metric spend_12m "Spend" = sum(orders.total in last 12 months)` */
export interface MetricDecl extends NamedDecl {
  readonly kind: 'Metric';
  readonly value: Expr;
}

/** `segment dormant { … }`: the body is one condition. */
export interface SegmentDecl extends NamedDecl {
  readonly kind: 'Segment';
  readonly condition: Expr;
}

/** `strategy value_map { primary { … } secondary { … } }` */
export interface StrategyDecl extends NamedDecl {
  readonly kind: 'Strategy';
  readonly primary?: StrategyBlock;
  readonly secondary?: StrategyBlock;
}

export interface StrategyBlock extends Node {
  readonly which: 'primary' | 'secondary';
  /** In source order; an `else` rule has no condition. Rules after `else` are kept so the checker can flag them. */
  readonly rules: readonly StrategyRule[];
}

export interface StrategyRule extends Node {
  /** Absent for `else`. */
  readonly condition?: Expr;
  readonly outcome: Name;
}

/** `offer baby_wipes_20 "20% off" { … }` */
export interface OfferDecl extends NamedDecl {
  readonly kind: 'Offer';
  readonly properties: readonly OfferProperty[];
}

/** `offers category_coupons from coupon_catalog key coupon_id { … }` */
export interface OfferFamilyDecl extends NamedDecl {
  readonly kind: 'OfferFamily';
  readonly source: Name;
  readonly key: Name;
  readonly properties: readonly OfferProperty[];
}

interface PropertyNode extends Node {
  /** Span of the property's keyword(s), for diagnostics such as "duplicate property". */
  readonly keywordSpan: Span;
}

export type OfferProperty =
  | (PropertyNode & { readonly key: 'category'; readonly value: Expr })
  | (PropertyNode & { readonly key: 'channels'; readonly channels: readonly Name[] })
  | (PropertyNode & { readonly key: 'strategy'; readonly outcome: Name })
  | (PropertyNode & { readonly key: 'valid'; readonly from?: Expr; readonly to?: Expr })
  | (PropertyNode & { readonly key: 'eligible'; readonly condition: Expr })
  | (PropertyNode & { readonly key: 'score'; readonly value: Expr })
  | (PropertyNode & { readonly key: 'value'; readonly value: Expr })
  | (PropertyNode & { readonly key: 'cap'; readonly value: Expr });

export type OfferPropertyKey = OfferProperty['key'];

/** `plan weekly_email "Weekly email" { … }` */
export interface PlanDecl extends NamedDecl {
  readonly kind: 'Plan';
  readonly properties: readonly PlanProperty[];
}

export type OutputKind = 'table' | 'csv' | 'webhook';

export type PlanProperty =
  | (PropertyNode & { readonly key: 'audience'; readonly condition: Expr })
  | (PropertyNode & { readonly key: 'channel'; readonly channel: Name })
  /** `offers all` (all = true, offers empty) or `offers a, b` */
  | (PropertyNode & { readonly key: 'offers'; readonly all: boolean; readonly offers: readonly Name[] })
  | (PropertyNode & { readonly key: 'strategy'; readonly strategy: Name })
  | (PropertyNode & { readonly key: 'rankBy'; readonly value: Expr })
  | (PropertyNode & { readonly key: 'boost'; readonly factor: Expr; readonly condition: Expr })
  /** `top 8 per customer` */
  | (PropertyNode & { readonly key: 'top'; readonly count: Expr; readonly per: Name })
  /** `at most 2 per category` */
  | (PropertyNode & { readonly key: 'atMost'; readonly count: Expr; readonly per: Name })
  | (PropertyNode & { readonly key: 'suppress'; readonly condition: Expr })
  | (PropertyNode & { readonly key: 'holdout'; readonly share: Expr })
  /** `schedule "0 6 * * MON" in "Australia/Sydney"` */
  | (PropertyNode & { readonly key: 'schedule'; readonly cron: StringLit; readonly timezone?: StringLit })
  /** `output table t with a, b` · `output csv "path"` · `output webhook "https://…"` */
  | (PropertyNode & {
      readonly key: 'output';
      readonly target: OutputKind;
      /** A table name (Name) or a path/URL (StringLit). */
      readonly destination: Name | StringLit;
      readonly columns: readonly Name[];
    });

export type PlanPropertyKey = PlanProperty['key'];

/** `test "a lapsed big spender is reactivated" { … }` */
export interface TestDecl extends Node {
  readonly kind: 'Test';
  readonly title: StringLit;
  readonly doc?: string;
  readonly items: readonly TestItem[];
}

export type TestItem = AsOfItem | FixtureRow | Expectation;

/** `as of 2026-11-22` */
export interface AsOfItem extends Node {
  readonly kind: 'AsOf';
  readonly value: Expr;
}

/** `customers { customer_id: "c1", predicted_clv: 900 }` */
export interface FixtureRow extends Node {
  readonly kind: 'Fixture';
  readonly table: Name;
  readonly fields: readonly FixtureField[];
}

export interface FixtureField extends Node {
  readonly name: Name;
  readonly value: Expr;
}

export type Expectation = ExpectMembership | ExpectValue | ExpectOffers | ExpectEmpty;

/** `expect "c1" in dormant` · `expect "c1" not in active` · `expect "c9" in holdout of weekly_email` */
export interface ExpectMembership extends Node {
  readonly kind: 'ExpectMembership';
  readonly key: Expr;
  readonly negated: boolean;
  readonly holdout: boolean;
  readonly target: Name;
}

/**
 * `expect recency_days("c1") = 12` · `expect value_map("c1") = (reactivate, retain)`
 * · `expect weekly_email("c1") = (welcome_10, winback_15)` (exact offers, in rank order)
 */
export interface ExpectValue extends Node {
  readonly kind: 'ExpectValue';
  readonly target: Name;
  readonly key: Expr;
  readonly op: CompareOp;
  readonly expected: Expr;
}

/**
 * `expect weekly_email("b1") includes baby_wipes_20` · `… excludes …`
 * · `… includes "category_coupons:C123"` (one offer of a family, as the plan's output names it)
 */
export interface ExpectOffers extends Node {
  readonly kind: 'ExpectOffers';
  readonly target: Name;
  readonly key: Expr;
  readonly op: 'includes' | 'excludes';
  readonly offers: readonly OfferRef[];
}

/** An offer or family by name, or one offer of a family as a string `"family:key"`. */
export type OfferRef = Name | StringLit;

/** `expect weekly_email("u1") is empty` · `… is not empty` */
export interface ExpectEmpty extends Node {
  readonly kind: 'ExpectEmpty';
  readonly target: Name;
  readonly key: Expr;
  readonly negated: boolean;
}

// ---------------------------------------------------------------------------
// Expressions

export type Expr =
  | NumberLit
  | PercentLit
  | StringLit
  | BoolLit
  | DateLit
  | TimestampLit
  | DurationLit
  | AgoExpr
  | NowExpr
  | TodayExpr
  | ListLit
  | RefExpr
  | IndexExpr
  | CallExpr
  | AggregateExpr
  | UnaryExpr
  | BinaryExpr
  | LogicalExpr
  | CompareExpr
  | InListExpr
  | InWindowExpr
  | BetweenExpr
  | IsMissingExpr
  | TextMatchExpr
  | BlockExpr
  | ParenExpr
  | ErrorExpr;

export interface NumberLit extends Node {
  readonly kind: 'Number';
  readonly value: number;
  /** As written, so the formatter keeps `3.50`. */
  readonly raw: string;
}

/** `10%`: value is 0.1. */
export interface PercentLit extends Node {
  readonly kind: 'Percent';
  readonly value: number;
  readonly raw: string;
}

export interface StringLit extends Node {
  readonly kind: 'String';
  /** Unescaped value. */
  readonly value: string;
  /** As written, quotes included. */
  readonly raw: string;
}

export interface BoolLit extends Node {
  readonly kind: 'Bool';
  readonly value: boolean;
}

/** `2026-11-01` */
export interface DateLit extends Node {
  readonly kind: 'Date';
  /** `YYYY-MM-DD` */
  readonly value: string;
}

/** `2026-11-01T06:00:00Z` */
export interface TimestampLit extends Node {
  readonly kind: 'Timestamp';
  /** As written (ISO-8601). */
  readonly value: string;
}

export type DurationUnit = 'hour' | 'day' | 'week' | 'month' | 'year';

/** `30 days`, `1 year`: `raw` keeps the unit as written (`days`). */
export interface DurationLit extends Node {
  readonly kind: 'Duration';
  readonly amount: number;
  readonly unit: DurationUnit;
  readonly raw: string;
}

/** `180 days ago` */
export interface AgoExpr extends Node {
  readonly kind: 'Ago';
  readonly duration: DurationLit;
}

export interface NowExpr extends Node {
  readonly kind: 'Now';
}

export interface TodayExpr extends Node {
  readonly kind: 'Today';
}

/** `("web", "app")`, also `(reactivate, retain)` in test expectations. */
export interface ListLit extends Node {
  readonly kind: 'List';
  readonly items: readonly Expr[];
}

/** A name or a dotted path: `total`, `orders.total`, `product.category`, `offer.value`, `customers.email`. */
export interface RefExpr extends Node {
  readonly kind: 'Ref';
  readonly parts: readonly Name[];
}

/** `adjacent_categories[offer.category]` */
export interface IndexExpr extends Node {
  readonly kind: 'Index';
  readonly target: Expr;
  readonly index: Expr;
}

export interface CallArg extends Node {
  readonly value: Expr;
  /** `quintile(recency_days desc)` */
  readonly order?: 'asc' | 'desc';
}

/** A scalar function or ranking call: `min(a, b)`, `days_since(t)`, `quintile(x desc)`, `entered(dormant)`. */
export interface CallExpr extends Node {
  readonly kind: 'Call';
  readonly callee: Name;
  readonly args: readonly CallArg[];
}

export type AggregateFn = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'distinct' | 'first' | 'last' | 'any' | 'none';

export const AGGREGATE_FNS: readonly AggregateFn[] = ['count', 'sum', 'avg', 'min', 'max', 'distinct', 'first', 'last', 'any', 'none'];

/**
 * `count(orders in last 90 days where channel = "store")`, `sum(orders.total from 180 days ago to 90 days ago)`.
 * `min`/`max` with one argument are aggregates; with two they are a `CallExpr`.
 */
export interface AggregateExpr extends Node {
  readonly kind: 'Aggregate';
  readonly fn: AggregateFn;
  readonly callee: Name;
  /** `orders` or `orders.total` (the event source, optionally with a field). */
  readonly source: RefExpr;
  readonly window?: Window;
  readonly where?: Expr;
}

export type Window = LastWindow | FromToWindow | BetweenWindow;

/** `in last 90 days` */
export interface LastWindow extends Node {
  readonly kind: 'LastWindow';
  readonly duration: DurationLit;
}

/** `from 180 days ago to 90 days ago` */
export interface FromToWindow extends Node {
  readonly kind: 'FromToWindow';
  readonly from: Expr;
  readonly to: Expr;
}

/** `between 2026-01-01 and 2026-03-31` (dates are whole days: the end day is included). */
export interface BetweenWindow extends Node {
  readonly kind: 'BetweenWindow';
  readonly from: Expr;
  readonly to: Expr;
}

export interface UnaryExpr extends Node {
  readonly kind: 'Unary';
  readonly op: 'not' | '-';
  readonly operand: Expr;
}

export type ArithmeticOp = '+' | '-' | '*' | '/';

export interface BinaryExpr extends Node {
  readonly kind: 'Binary';
  readonly op: ArithmeticOp;
  readonly left: Expr;
  readonly right: Expr;
}

export interface LogicalExpr extends Node {
  readonly kind: 'Logical';
  readonly op: 'and' | 'or';
  readonly left: Expr;
  readonly right: Expr;
}

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export interface CompareExpr extends Node {
  readonly kind: 'Compare';
  readonly op: CompareOp;
  readonly left: Expr;
  readonly right: Expr;
}

/** `channel in ("web", "app")`, `category not in outdoor`, `x in adjacent[offer.category]` */
export interface InListExpr extends Node {
  readonly kind: 'InList';
  readonly negated: boolean;
  readonly subject: Expr;
  readonly list: Expr;
}

/** `signup_at in last 30 days` (also `from … to …` and `between …` windows on a time value) */
export interface InWindowExpr extends Node {
  readonly kind: 'InWindow';
  readonly subject: Expr;
  readonly window: Window;
}

/** `x between 1 and 5`, `signup_at between 2026-01-01 and 2026-03-31` */
export interface BetweenExpr extends Node {
  readonly kind: 'Between';
  readonly negated: boolean;
  readonly subject: Expr;
  readonly low: Expr;
  readonly high: Expr;
}

export interface IsMissingExpr extends Node {
  readonly kind: 'IsMissing';
  readonly negated: boolean;
  readonly subject: Expr;
}

/** `email contains "@example.com"`, `name starts with "Baby"` */
export interface TextMatchExpr extends Node {
  readonly kind: 'TextMatch';
  readonly op: 'contains' | 'startsWith';
  readonly subject: Expr;
  readonly pattern: Expr;
}

/** `all of { … }`, `any of { … }`, `none of { … }`: one condition per line. */
export interface BlockExpr extends Node {
  readonly kind: 'Block';
  readonly op: 'all' | 'any' | 'none';
  readonly items: readonly Expr[];
}

export interface ParenExpr extends Node {
  readonly kind: 'Paren';
  readonly inner: Expr;
}

/** What error recovery leaves where an expression could not be parsed. */
export interface ErrorExpr extends Node {
  readonly kind: 'Error';
}
