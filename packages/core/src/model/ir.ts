/**
 * The checked model: what the checker hands to the compiler (and to any other
 * evaluator). Every name is resolved, every expression typed, constants and
 * lists are inlined, and nothing here refers back to syntax except through
 * `origin` (for explanations and error locations). Plain data, serialisable
 * with JSON.stringify, so it can be cached and diffed.
 *
 * Time is never computed here: a window or relative time is a `TimePoint`,
 * an offset from the as-of time that the runtime turns into a bound parameter
 * (calendar arithmetic in the workspace time zone, see `time-points.ts`).
 */
import type { Span } from '../text/span';
// The operators are the syntax's own; one definition keeps the two layers from drifting.
import type { AggregateFn, CompareOp } from '../syntax/ast';

export type { AggregateFn, CompareOp };

export type ScalarType = 'text' | 'number' | 'bool' | 'date' | 'timestamp';

/** The type of an expression. `outcome` is a strategy outcome such as `reactivate`. */
export type ValueType = ScalarType | 'list' | 'outcome' | 'duration';

export interface Origin {
  readonly file: string;
  readonly span: Span;
}

// ---------------------------------------------------------------------------
// Data model

export interface DataModel {
  /** The audience table's name. */
  readonly audience: string;
  readonly tables: Readonly<Record<string, TableDef>>;
}

export interface TableDef {
  readonly name: string;
  /** The table's name in the database (the declared name). */
  readonly sqlName: string;
  /** Key field name, if the table has a key. */
  readonly key?: string;
  /** The event time field of this table itself, if declared with `time`. */
  readonly time?: string;
  readonly fields: Readonly<Record<string, FieldDef>>;
  /**
   * Link fields to follow from a row of this table to its audience member, in order
   * (`order_lines`: ['order', 'customer']). Empty for the audience table; absent for
   * tables that are not event sources (lookup tables such as `products`).
   */
  readonly audiencePath?: readonly string[];
  /**
   * Where an event's time comes from: link fields to follow and the time field at the end
   * (`order_lines`: { path: ['order'], field: 'placed_at' }; `orders`: { path: [], field: 'placed_at' }).
   * Absent when the table has no time (all its events are timeless, e.g. a lookup table).
   */
  readonly timeSource?: { readonly path: readonly string[]; readonly field: string };
  /** True for the runtime-maintained `contacts` table. */
  readonly builtin?: boolean;
  readonly origin?: Origin;
}

export interface FieldDef {
  readonly name: string;
  /** Column name in the database. */
  readonly column: string;
  /** For a link: the type of the key it holds (text unless the target key says otherwise). */
  readonly type: ScalarType;
  /** `text in (…)` */
  readonly values?: readonly string[];
  /** Present when the field is a link: the target table (joined on target's key). */
  readonly link?: { readonly target: string };
  /**
   * For `timestamp`/`date` fields: how the database stores the value, when known
   * (from configuration or a schema inspection). Absent = unknown: SQLite accepts ISO
   * text or epoch seconds per row; PostgreSQL/DuckDB cast the column to timestamptz
   * (native or text). Needed there only for columns holding numbers of seconds.
   */
  readonly storage?: TimestampStorage;
  readonly origin?: Origin;
}

/**
 * How a timestamp column is stored: ISO-8601 text in any form; ISO-8601 UTC text with
 * whole seconds in exactly one form, `2026-11-21T09:13:05Z` (it sorts as time, so SQLite
 * can compare and index it as text); a number of seconds since 1970; or the engine's own type.
 */
export type TimestampStorage = 'text' | 'isoUtcSeconds' | 'epochSeconds' | 'native';

// ---------------------------------------------------------------------------
// Time

export type TimeUnit = 'hour' | 'day' | 'week' | 'month' | 'year';

/**
 * A point in time relative to the run: `asOf` minus an offset, `today` (start of the
 * as-of day in the workspace time zone) minus an offset, or a fixed instant.
 * `180 days ago` = { anchor: 'asOf', amount: 180, unit: 'day' }.
 */
export type TimePoint =
  | { readonly kind: 'relative'; readonly anchor: 'asOf' | 'today'; readonly amount: number; readonly unit: TimeUnit }
  /** ISO-8601 instant (a date literal is the start of that day in the workspace time zone: `date` keeps it). */
  | { readonly kind: 'fixed'; readonly value: string; readonly date: boolean };

/** A half-open window [start, end). Both ends are clipped to the as-of time: events at or after as-of are never seen. */
export interface TimeWindow {
  readonly start?: TimePoint;
  readonly end?: TimePoint;
}

// ---------------------------------------------------------------------------
// Expressions

export type ScalarFn = 'min' | 'max' | 'round' | 'abs' | 'coalesce' | 'days_since' | 'distance_km';

export type RankFn = 'quintile' | 'decile' | 'percentile' | 'rank' | 'ntile';

/**
 * A typed, resolved expression. `type` is the value's type; `bool` expressions are
 * conditions. Missing values (SQL NULL) follow the language's one rule: comparisons
 * with missing are false, `and`/`or`/`not` treat missing as false.
 */
export type IrExpr =
  | { readonly kind: 'literal'; readonly type: ScalarType; readonly value: string | number | boolean | null }
  /** A literal list (inlined `list` constants included). */
  | { readonly kind: 'list'; readonly type: 'list'; readonly itemType: ScalarType; readonly items: readonly (string | number | boolean)[] }
  /** `adjacent_categories[k]`: the map is inlined; a missing key gives the empty list. */
  | {
      readonly kind: 'mapLookup';
      readonly type: 'list';
      readonly map: string;
      readonly itemType: ScalarType;
      readonly entries: readonly { readonly key: string | number; readonly values: readonly (string | number | boolean)[] }[];
      readonly key: IrExpr;
    }
  /**
   * A field read from the current row of a scope, following links first.
   * scope 'audience': the audience member (`email`, `customers.email`).
   * scope 'event': the event row inside an aggregate (`channel`, `product.category` → path ['product']).
   * scope 'offer': a family's catalogue row (`offer.base_score`).
   */
  | {
      readonly kind: 'field';
      readonly type: ScalarType;
      readonly scope: 'audience' | 'event' | 'offer';
      /** Table of the row the path starts from. */
      readonly table: string;
      /** Link fields followed from that row (empty for a field of the row itself). */
      readonly path: readonly string[];
      readonly field: string;
    }
  | { readonly kind: 'metric'; readonly type: ScalarType; readonly name: string }
  | { readonly kind: 'segment'; readonly type: 'bool'; readonly name: string }
  | {
      readonly kind: 'aggregate';
      readonly type: ScalarType;
      readonly fn: AggregateFn;
      /** The event table. */
      readonly source: string;
      /** For all but count/any/none: the field aggregated, read from the event row. */
      readonly field?: { readonly path: readonly string[]; readonly field: string; readonly type: ScalarType };
      readonly window?: TimeWindow;
      /** Evaluated per event row; may read 'event' and 'audience' (and 'offer' inside an offer) fields. */
      readonly where?: IrExpr;
    }
  | { readonly kind: 'not'; readonly type: 'bool'; readonly arg: IrExpr }
  | { readonly kind: 'and' | 'or'; readonly type: 'bool'; readonly args: readonly IrExpr[] }
  | { readonly kind: 'compare'; readonly type: 'bool'; readonly op: CompareOp; readonly left: IrExpr; readonly right: IrExpr }
  | { readonly kind: 'arith'; readonly type: 'number'; readonly op: '+' | '-' | '*' | '/'; readonly left: IrExpr; readonly right: IrExpr }
  | { readonly kind: 'neg'; readonly type: 'number'; readonly arg: IrExpr }
  /** `x in (…)` / `x not in (…)`: haystack is a `list` or `mapLookup`. A missing x is in nothing and not-in nothing (false both ways). */
  | { readonly kind: 'in'; readonly type: 'bool'; readonly negated: boolean; readonly needle: IrExpr; readonly haystack: IrExpr }
  /** Inclusive on both ends for numbers and text; for time values see `inWindow`. */
  | { readonly kind: 'between'; readonly type: 'bool'; readonly negated: boolean; readonly subject: IrExpr; readonly low: IrExpr; readonly high: IrExpr }
  | { readonly kind: 'isMissing'; readonly type: 'bool'; readonly negated: boolean; readonly arg: IrExpr }
  /** Case-sensitive, literal match: `%` and `_` in the pattern are ordinary characters. */
  | { readonly kind: 'textMatch'; readonly type: 'bool'; readonly op: 'contains' | 'startsWith'; readonly subject: IrExpr; readonly pattern: IrExpr }
  | { readonly kind: 'call'; readonly type: ScalarType; readonly fn: ScalarFn; readonly args: readonly IrExpr[] }
  /** Ranking over the whole audience (members whose arg is missing get missing). `buckets`: 5, 10, 100, or ntile's n; absent for rank. */
  | { readonly kind: 'rank'; readonly type: 'number'; readonly fn: RankFn; readonly arg: IrExpr; readonly desc: boolean; readonly buckets?: number }
  /** A point in time (`180 days ago`, `today`, `now`, a date literal used as a timestamp). */
  | { readonly kind: 'time'; readonly type: 'timestamp'; readonly point: TimePoint }
  /** `t in last 30 days`: start <= t < end, with end clipped to as-of. */
  | { readonly kind: 'inWindow'; readonly type: 'bool'; readonly subject: IrExpr; readonly window: TimeWindow }
  /** A strategy outcome name used as a value: `reactivate`. */
  | { readonly kind: 'outcome'; readonly type: 'outcome'; readonly name: string }
  /** Inside a plan: the customer's primary or secondary outcome under the plan's strategy. */
  | { readonly kind: 'strategyOf'; readonly type: 'outcome'; readonly which: 'primary' | 'secondary' }
  /** Inside an offer or a plan's rank/boost: the current offer's property (`score`, `value`, `category`, `strategy`, `cap`). */
  | { readonly kind: 'offerProp'; readonly type: ValueType; readonly name: 'score' | 'value' | 'category' | 'strategy' | 'cap' | 'name' }
  /** In a plan audience: `entered(dormant)` / `left(high_value)` since the plan's previous successful run. */
  | { readonly kind: 'membershipChange'; readonly type: 'bool'; readonly change: 'entered' | 'left'; readonly segment: string };

export type IrExprKind = IrExpr['kind'];

// ---------------------------------------------------------------------------
// Declarations

interface Declared {
  readonly name: string;
  readonly label?: string;
  readonly doc?: string;
  readonly origin: Origin;
}

export interface ConstDef extends Declared {
  readonly value: IrExpr;
}

export interface MetricDef extends Declared {
  readonly type: ScalarType;
  readonly expr: IrExpr;
}

export interface SegmentDef extends Declared {
  readonly condition: IrExpr;
}

export interface StrategyRuleDef {
  /** Absent for `else`. */
  readonly condition?: IrExpr;
  readonly outcome: string;
  readonly origin: Origin;
}

export interface StrategyDef extends Declared {
  /** Rules in order; the checker guarantees a final `else` (adding `else` of the first outcome is NOT done: a missing else is an error). */
  readonly primary: readonly StrategyRuleDef[];
  readonly secondary: readonly StrategyRuleDef[];
  /** Every outcome named in either block, in first-seen order. */
  readonly outcomes: readonly string[];
}

export interface OfferDef extends Declared {
  readonly category?: IrExpr;
  readonly channels: readonly string[];
  readonly strategy?: string;
  /** Validity as whole days, inclusive: [validFrom, validTo]. ISO dates. */
  readonly validFrom?: string;
  readonly validTo?: string;
  /** Defaults to true. */
  readonly eligible: IrExpr;
  /** Defaults to literal 1. */
  readonly score: IrExpr;
  /** Defaults to literal 1. */
  readonly value: IrExpr;
  readonly cap?: IrExpr;
  /** For an offer family: one offer per row of `source`, named `<family>:<key value>`. */
  readonly family?: { readonly source: string; readonly key: string };
}

export type OutputDef =
  | { readonly kind: 'table'; readonly table: string; readonly columns: readonly string[] }
  | { readonly kind: 'csv'; readonly path: string; readonly columns: readonly string[] }
  | { readonly kind: 'webhook'; readonly url: string; readonly columns: readonly string[] };

export interface PlanDef extends Declared {
  readonly audience: IrExpr;
  readonly channel?: string;
  /** Offer and offer-family names, resolved (`offers all` expands to every offer and family, in name order). */
  readonly offers: readonly string[];
  readonly strategy?: string;
  /** Defaults to offerProp score. */
  readonly rankBy: IrExpr;
  readonly boosts: readonly { readonly factor: number; readonly condition: IrExpr }[];
  /** Defaults to 1. */
  readonly top: number;
  readonly perCategory?: number;
  readonly suppress?: IrExpr;
  /** Share in 0..1, defaults to 0. */
  readonly holdout: number;
  readonly schedule?: { readonly cron: string; readonly timezone?: string };
  readonly output?: OutputDef;
}

export type FixtureValue = string | number | boolean | null;

export type TestExpectationDef =
  | { readonly kind: 'membership'; readonly key: string; readonly negated: boolean; readonly holdout: boolean; readonly target: string; readonly targetKind: 'segment' | 'plan'; readonly origin: Origin }
  | { readonly kind: 'metric'; readonly key: string; readonly metric: string; readonly op: CompareOp; readonly expected: FixtureValue; readonly origin: Origin }
  | { readonly kind: 'strategy'; readonly key: string; readonly strategy: string; readonly primary: string; readonly secondary?: string; readonly negated: boolean; readonly origin: Origin }
  | { readonly kind: 'planOffers'; readonly key: string; readonly plan: string; readonly op: 'includes' | 'excludes' | 'isEmpty' | 'isNotEmpty' | 'equals'; readonly offers: readonly string[]; readonly origin: Origin };

export interface TestDef {
  readonly title: string;
  readonly origin: Origin;
  /** ISO instant. */
  readonly asOf: string;
  /** Rows by table, values by field name (links hold the linked row's key). Dates/timestamps as ISO text. */
  readonly fixtures: readonly { readonly table: string; readonly values: Readonly<Record<string, FixtureValue>>; readonly origin: Origin }[];
  readonly expectations: readonly TestExpectationDef[];
}

export interface CheckedWorkspace {
  readonly model: DataModel;
  readonly consts: Readonly<Record<string, ConstDef>>;
  readonly metrics: Readonly<Record<string, MetricDef>>;
  readonly segments: Readonly<Record<string, SegmentDef>>;
  readonly strategies: Readonly<Record<string, StrategyDef>>;
  readonly offers: Readonly<Record<string, OfferDef>>;
  readonly plans: Readonly<Record<string, PlanDef>>;
  readonly tests: readonly TestDef[];
  /** Metrics and segments in dependency order (each after everything it uses). */
  readonly evaluationOrder: readonly { readonly kind: 'metric' | 'segment'; readonly name: string }[];
  /** IANA time zone of the workspace (seg.json "timezone"), default "UTC". */
  readonly timezone: string;
  /** Hash of the sources (sha-256 hex of the files in path order), for ranking plans and caches. */
  readonly sourceHash: string;
}
