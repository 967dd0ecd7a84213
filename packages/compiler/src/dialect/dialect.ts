/**
 * A SQL engine as data plus a few overrides. Each engine declares what it can
 * do (capability flags) and how it spells the handful of things that differ
 * (reading a stored timestamp, real division, rounding, text search…). The
 * compilers only talk to this interface; a construct an engine cannot express
 * fails loudly at compile time through `requireCapability`.
 *
 * SQL text itself comes from kysely's query compilers (identifier quoting,
 * placeholders), which run without a database through kysely's DummyDriver.
 */
import type { Kysely, RawBuilder } from 'kysely';
import type { ScalarType, TimestampStorage } from '@seg/core';
import type { SecondsRounding, TimeEncoding } from '../parameters';
import type { TimePoint } from '@seg/core';

export type DialectName = 'sqlite' | 'postgres' | 'duckdb';

export type Sql = RawBuilder<unknown>;

export interface DialectCapabilities {
  /** sin/cos/asin/sqrt/radians/floor (SQLite: built with SQLITE_ENABLE_MATH_FUNCTIONS, as better-sqlite3 is). */
  readonly mathFunctions: boolean;
  /**
   * `percentile_disc(Y, P)` is an ordinary aggregate returning the sorted non-missing value at
   * position ⌊P·(n−1)⌋ (SQLite ≥ 3.47 built with SQLITE_ENABLE_PERCENTILE, as better-sqlite3 12
   * is). Quintile thresholds then cost one unsorted pass each instead of a sort. PostgreSQL's and
   * DuckDB's functions of that name pick a different position, so they sort.
   */
  readonly percentileDisc: boolean;
  /** A native boolean type (SQLite stores 0/1 and has TRUE/FALSE only as aliases). */
  readonly nativeBoolean: boolean;
  /** The operator for integer division: `/` on integers (SQLite, PostgreSQL) or `//` (DuckDB, where `/` is real division). */
  readonly integerDivision: '/' | '//';
  /** Window functions (RANK, NTILE, COUNT OVER). */
  readonly windowFunctions: boolean;
  /**
   * Existence tests (`any`/`none`) of an event table no grouped pass reads anyway become
   * EXISTS probes: per-customer index seeks, which SQLite's row store answers faster than a
   * full grouped scan (and it builds an automatic index when none exists). PostgreSQL and
   * DuckDB plan grouped passes as hash aggregates and keep them.
   */
  readonly existenceProbes: boolean;
  /**
   * Timestamps stored as `isoUtcSeconds` text can be compared, sorted and indexed as text
   * (SQLite, where timestamps are otherwise parsed per row). Elsewhere they are cast like any text.
   */
  readonly textTimestamps: boolean;
}

export interface Dialect {
  readonly name: DialectName;
  readonly capabilities: DialectCapabilities;
  /** How time parameters are bound (see `TimeEncoding`). */
  readonly timeEncoding: TimeEncoding;
  /** A Kysely instance over a DummyDriver: compiles, never connects. */
  readonly db: Kysely<any>;

  /** A user value as a bound parameter (typed where the engine cannot infer it). */
  param(value: string | number | boolean | null, type: ScalarType): Sql;
  /** A time point as a bound parameter, in the engine's timestamp representation. */
  timeParam(point: TimePoint): Sql;
  /** A time point as `isoUtcSeconds` text, to compare with such a column (needs `textTimestamps`). */
  textTimeParam(point: TimePoint, rounding: SecondsRounding): Sql;
  /** An `isoUtcSeconds` text value → the engine's timestamp representation. */
  timeFromText(value: Sql): Sql;
  /**
   * A stored timestamp/date column normalised to the engine's timestamp representation
   * (SQLite: epoch seconds; PostgreSQL/DuckDB: timestamptz). `storage` is the model's
   * hint; absent means "whatever is there" (SQLite checks per row, the others cast).
   */
  readTimestamp(column: Sql, storage: TimestampStorage | undefined): Sql;
  /** A timestamp value in the engine representation → seconds since the epoch (a number). */
  epochSeconds(value: Sql): Sql;
  /** A timestamp value in the engine representation → what a result row should carry. */
  timestampOutput(value: Sql): Sql;
  /** Text to sort by code point, as the arbitration's tie-break does (PostgreSQL's collations follow the locale). */
  codePointOrder(value: Sql): Sql;
  /** `a / b` as real division; missing when `b` is 0. */
  divide(a: Sql, b: Sql): Sql;
  /** Integer division of two non-negative integers. */
  intDivide(a: Sql, b: Sql): Sql;
  /** Smallest / largest of non-missing arguments. */
  least(args: readonly Sql[]): Sql;
  greatest(args: readonly Sql[]): Sql;
  /** Whether `least`/`greatest` are missing as soon as one argument is (SQLite's min/max are). */
  readonly leastPropagatesNull: boolean;
  /** round(x, digits) on numbers, half away from zero. */
  round(x: Sql, digits: Sql | undefined): Sql;
  /** Text concatenation of two values (the second may be a number). */
  concat(a: Sql, b: Sql): Sql;
  /** Case-sensitive literal substring test (no LIKE, so `%` and `_` need no escaping). */
  contains(subject: Sql, pattern: Sql): Sql;
  /** Column type names for the work tables the plans create. */
  columnType(type: 'text' | 'number' | 'integer' | 'bool' | 'timestamp'): string;
  /** The literal `false`/`true` (SQLite has had TRUE/FALSE since 3.23). */
  bool(value: boolean): Sql;
}

export class CapabilityError extends Error {
  constructor(dialect: DialectName, capability: keyof DialectCapabilities, construct: string) {
    super(`${construct} cannot be compiled for ${dialect}: the engine lacks ${capability}`);
    this.name = 'CapabilityError';
  }
}

/**
 * `param(point)` made once per time point: the points of a workspace's rules (window
 * starts, the as-of time) recur in many statements, and the parameter is the same in each.
 */
export function oncePerPoint(param: (point: TimePoint) => Sql): (point: TimePoint) => Sql {
  const made = new WeakMap<TimePoint, Sql>();
  return (point) => {
    let fragment = made.get(point);
    if (!fragment) {
      fragment = param(point);
      made.set(point, fragment);
    }
    return fragment;
  };
}

/** Throws when the dialect cannot express a construct, naming both. */
export function requireCapability(dialect: Dialect, capability: keyof DialectCapabilities, construct: string): void {
  if (!dialect.capabilities[capability]) throw new CapabilityError(dialect.name, capability, construct);
}
