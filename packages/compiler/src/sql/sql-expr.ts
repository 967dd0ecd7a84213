/**
 * One IR expression → one SQL expression. Leaves (fields, aggregates, metrics,
 * segments, ranks, offer and strategy references) are resolved by the caller's
 * scope, because where they live depends on the query (a pass over events, a
 * layer over the audience, the facts table of a plan run). Everything else is
 * the same everywhere and is written here once.
 *
 * Missing values: SQL NULL. Comparisons with NULL are NULL, which WHERE and
 * CASE WHEN treat as false — the language's rule. Only `not` needs care:
 * `NOT coalesce(c, false)`, so that not(false-because-missing) is true.
 * Each compiled expression says whether it can be NULL, so the SQL only
 * carries a coalesce where one is needed.
 */
import { sql } from 'kysely';
import type { CompareOp, IrExpr, ScalarType, TimePoint, TimeWindow } from '@seg/core';
import type { SecondsRounding } from '../parameters';

const FLIPPED: Record<CompareOp, CompareOp> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
/** Whole-second text values against a parameter with a fraction: see `SecondsRounding`. */
const ROUNDING: Record<CompareOp, SecondsRounding> = { '>=': 'up', '<': 'up', '>': 'down', '<=': 'down', '=': 'exact', '!=': 'exact' };
import type { Dialect, Sql } from '../dialect/dialect';
import { requireCapability } from '../dialect/dialect';
import { raw } from './fragments';

export interface SqlExpr {
  readonly sql: Sql;
  /** False when the value can never be missing (counts, literals, coalesced conditions). */
  readonly nullable: boolean;
  /**
   * A timestamp held as `isoUtcSeconds` text rather than in the engine's representation
   * (SQLite only): compared with text parameters, so an index on the column serves.
   */
  readonly textTime?: boolean;
}

/** A timestamp value in the engine's representation (text times converted). */
export function engineTime(e: SqlExpr, d: Dialect): SqlExpr {
  return e.textTime ? { sql: d.timeFromText(e.sql), nullable: e.nullable } : e;
}

/** The time point an expression stands for, if it is one (a `time` node or a date literal). */
function timePointOf(expr: IrExpr): TimePoint | undefined {
  if (expr.kind === 'time') return expr.point;
  if (expr.kind === 'literal' && (expr.type === 'date' || expr.type === 'timestamp') && typeof expr.value === 'string') {
    return { kind: 'fixed', value: expr.value, date: expr.type === 'date' };
  }
  return undefined;
}

/** Both sides of a comparison in one representation: text times meet text parameters, or become engine times. */
function alignTimes(op: CompareOp, leftIr: IrExpr, left: SqlExpr, rightIr: IrExpr, right: SqlExpr, d: Dialect): [SqlExpr, SqlExpr] {
  if (left.textTime === right.textTime) return [left, right];
  const [text, other, otherIr] = left.textTime ? [left, right, rightIr] : [right, left, leftIr];
  const point = timePointOf(otherIr);
  // The operator as seen from the text column: `column op parameter`.
  const columnOp = left.textTime ? op : FLIPPED[op];
  const aligned: [SqlExpr, SqlExpr] = point
    ? [text, { sql: d.textTimeParam(point, ROUNDING[columnOp]), nullable: false, textTime: true }]
    : [engineTime(text, d), other];
  return left.textTime ? aligned : [aligned[1], aligned[0]];
}

export type LeafExpr = Extract<
  IrExpr,
  { kind: 'field' | 'aggregate' | 'metric' | 'segment' | 'rank' | 'strategyOf' | 'offerProp' | 'membershipChange' }
>;

export interface ExprScope {
  readonly dialect: Dialect;
  leaf(expr: LeafExpr): SqlExpr;
  /** A scope may write some comparisons its own way (a ranking score against a number); undefined: the usual way. */
  compare?(expr: Extract<IrExpr, { kind: 'compare' }>): SqlExpr | undefined;
}

const nonNull = (s: Sql): SqlExpr => ({ sql: s, nullable: false });

/** The as-of time as a time point (one object, so its parameter is made once: see `oncePerPoint`). */
export const AS_OF: TimePoint = { kind: 'relative', anchor: 'asOf', amount: 0, unit: 'day' };

type Constant = Extract<IrExpr, { kind: 'literal' | 'time' | 'outcome' }>;

/**
 * Constants by dialect: a constant is the same parameter in every query, and the
 * rules of a workspace are compiled into many queries (a segment into every query
 * that reads it), so each is made once.
 */
const constants = new WeakMap<Dialect, WeakMap<Constant, SqlExpr>>();

function compileConstant(expr: Constant, d: Dialect): SqlExpr {
  let made = constants.get(d);
  if (!made) constants.set(d, (made = new WeakMap()));
  let compiled = made.get(expr);
  if (!compiled) {
    compiled = constantSql(expr, d);
    made.set(expr, compiled);
  }
  return compiled;
}

function constantSql(expr: Constant, d: Dialect): SqlExpr {
  switch (expr.kind) {
    case 'literal':
      if (expr.value === null) return { sql: d.param(null, expr.type), nullable: true };
      if (expr.type === 'date' || expr.type === 'timestamp') {
        return nonNull(d.timeParam({ kind: 'fixed', value: String(expr.value), date: expr.type === 'date' }));
      }
      return nonNull(d.param(expr.value, expr.type));
    case 'time':
      return nonNull(d.timeParam(expr.point));
    case 'outcome':
      return nonNull(d.param(expr.name, 'text'));
  }
}

/** Compiles an expression in a scope. */
export function compileExpr(expr: IrExpr, scope: ExprScope): SqlExpr {
  const d = scope.dialect;
  const sub = (e: IrExpr) => compileExpr(e, scope);
  switch (expr.kind) {
    case 'literal':
    case 'time':
    case 'outcome':
      return compileConstant(expr, d);
    case 'list':
    case 'mapLookup':
      throw new Error(`internal: a ${expr.kind} can only be the right side of \`in\``);
    case 'field':
    case 'aggregate':
    case 'metric':
    case 'segment':
    case 'rank':
    case 'strategyOf':
    case 'offerProp':
    case 'membershipChange':
      return scope.leaf(expr);
    case 'not': {
      const arg = sub(expr.arg);
      return nonNull(sql`(not ${asCondition(arg, d)})`);
    }
    case 'and':
    case 'or': {
      if (expr.args.length === 0) return nonNull(d.bool(expr.kind === 'and'));
      const args = expr.args.map(sub);
      if (args.length === 1) return args[0]!;
      const op = raw(expr.kind === 'and' ? ' and ' : ' or ');
      return { sql: sql`(${sql.join(args.map((a) => a.sql), op)})`, nullable: args.some((a) => a.nullable) };
    }
    case 'compare': {
      const special = scope.compare?.(expr);
      if (special) return special;
      const [left, right] = alignTimes(expr.op, expr.left, sub(expr.left), expr.right, sub(expr.right), d);
      const op = expr.op === '!=' ? '<>' : expr.op;
      return { sql: sql`(${left.sql} ${raw(op)} ${right.sql})`, nullable: left.nullable || right.nullable };
    }
    case 'arith': {
      const left = sub(expr.left);
      const right = sub(expr.right);
      if (expr.op === '/') return { sql: d.divide(left.sql, right.sql), nullable: true };
      return { sql: sql`(${left.sql} ${raw(expr.op)} ${right.sql})`, nullable: left.nullable || right.nullable };
    }
    case 'neg': {
      const arg = sub(expr.arg);
      return { sql: sql`(- ${arg.sql})`, nullable: arg.nullable };
    }
    case 'in':
      return compileIn(expr, scope);
    case 'between': {
      const subject = sub(expr.subject);
      const low = sub(expr.low);
      const high = sub(expr.high);
      const op = raw(expr.negated ? 'not between' : 'between');
      return {
        sql: sql`(${subject.sql} ${op} ${low.sql} and ${high.sql})`,
        nullable: subject.nullable || low.nullable || high.nullable,
      };
    }
    case 'isMissing': {
      const arg = sub(expr.arg);
      if (!arg.nullable) return nonNull(d.bool(expr.negated));
      return nonNull(sql`(${arg.sql} ${raw(expr.negated ? 'is not null' : 'is null')})`);
    }
    case 'textMatch': {
      const subject = sub(expr.subject);
      const pattern = sub(expr.pattern);
      const nullable = subject.nullable || pattern.nullable;
      if (expr.op === 'contains') return { sql: d.contains(subject.sql, pattern.sql), nullable };
      // Literal prefix test: no LIKE, so `%` and `_` in the pattern are ordinary characters.
      return { sql: sql`(substr(${subject.sql}, 1, length(${pattern.sql})) = ${pattern.sql})`, nullable };
    }
    case 'call':
      return compileCall(expr, scope);
    case 'inWindow': {
      const subject = sub(expr.subject);
      return { sql: windowCondition(subject, expr.window, d, true), nullable: subject.nullable };
    }
  }
}

/** A condition that must be two-valued (true/false, never missing). */
export function asCondition(expr: SqlExpr, d: Dialect): Sql {
  return expr.nullable ? sql`coalesce(${expr.sql}, ${d.bool(false)})` : expr.sql;
}

/**
 * `start <= t < end`, with the end clipped to the as-of time. `clipToAsOf` is false
 * inside event passes, whose rows are already limited to events before as-of.
 */
export function windowCondition(time: SqlExpr, window: TimeWindow, d: Dialect, clipToAsOf: boolean): Sql {
  const t = time.sql;
  const param = (point: TimePoint) => (time.textTime ? d.textTimeParam(point, 'up') : d.timeParam(point));
  const parts: Sql[] = [];
  if (window.start) parts.push(sql`${t} >= ${param(window.start)}`);
  if (window.end) parts.push(sql`${t} < ${param(window.end)}`);
  // Relative ends at or before the as-of time need no clip; fixed or future ones do.
  const endIsPast = window.end?.kind === 'relative' && window.end.amount >= 0;
  if (clipToAsOf && !endIsPast) parts.push(sql`${t} < ${param(AS_OF)}`);
  if (parts.length === 0) return d.bool(true);
  return parts.length === 1 ? parts[0]! : sql`(${sql.join(parts, raw(' and '))})`;
}

function paramList(items: readonly (string | number | boolean)[], type: ScalarType, d: Dialect): Sql {
  return sql.join(items.map((item) => d.param(item, type)));
}

function compileIn(expr: Extract<IrExpr, { kind: 'in' }>, scope: ExprScope): SqlExpr {
  const d = scope.dialect;
  const needle = compileExpr(expr.needle, scope);
  const hay = expr.haystack;
  // Missing needle: in nothing and not-in nothing. `x not in (…)` is NULL for a NULL x already.
  const member = (items: readonly (string | number | boolean)[], itemType: ScalarType): Sql => {
    if (items.length === 0) return expr.negated ? sql`(${needle.sql} is not null)` : d.bool(false);
    return sql`(${needle.sql} ${raw(expr.negated ? 'not in' : 'in')} (${paramList(items, itemType, d)}))`;
  };
  if (hay.kind === 'list') return { sql: member(hay.items, hay.itemType), nullable: needle.nullable };
  if (hay.kind === 'mapLookup') {
    // The map is inlined as a CASE over its keys; a key that is not in the map gives the empty list.
    const key = compileExpr(hay.key, scope);
    const keyType: ScalarType = typeof hay.entries[0]?.key === 'number' ? 'number' : 'text';
    const branches = hay.entries.map(
      (entry) => sql`when ${d.param(entry.key, keyType)} then ${member(entry.values, hay.itemType)}`,
    );
    const otherwise = expr.negated ? sql`(${needle.sql} is not null)` : d.bool(false);
    if (branches.length === 0) return nonNull(otherwise);
    return { sql: sql`(case ${key.sql} ${sql.join(branches, raw(' '))} else ${otherwise} end)`, nullable: true };
  }
  throw new Error(`internal: \`in\` needs a list, got ${hay.kind}`);
}

function compileCall(expr: Extract<IrExpr, { kind: 'call' }>, scope: ExprScope): SqlExpr {
  const d = scope.dialect;
  let args = expr.args.map((a) => compileExpr(a, scope));
  // Text times stay text only when every argument is one (min/max/coalesce of canonical text is exact).
  const allText = args.every((a) => a.textTime);
  if (!allText) args = args.map((a) => engineTime(a, d));
  const textTime = allText && args.length > 0 && expr.fn !== 'days_since';
  if (expr.fn === 'days_since') args = args.map((a) => engineTime(a, d));
  const anyNullable = args.some((a) => a.nullable);
  const sqls = args.map((a) => a.sql);
  switch (expr.fn) {
    case 'min':
    case 'max': {
      const body = expr.fn === 'min' ? d.least(sqls) : d.greatest(sqls);
      // A missing argument makes the result missing, on every engine.
      if (!anyNullable || d.leastPropagatesNull) return { sql: body, nullable: anyNullable, textTime };
      const test = sql.join(
        args.filter((a) => a.nullable).map((a) => sql`${a.sql} is null`),
        raw(' or '),
      );
      return { sql: sql`(case when ${test} then null else ${body} end)`, nullable: true, textTime };
    }
    case 'round':
      return { sql: d.round(sqls[0]!, sqls[1]), nullable: anyNullable };
    case 'abs':
      return { sql: sql`abs(${sqls[0]!})`, nullable: anyNullable };
    case 'coalesce':
      return { sql: sql`coalesce(${sql.join(sqls)})`, nullable: args.every((a) => a.nullable), textTime };
    case 'days_since': {
      requireCapability(d, 'mathFunctions', 'days_since');
      const asOf = d.epochSeconds(d.timeParam(AS_OF));
      return { sql: sql`floor((${asOf} - ${d.epochSeconds(sqls[0]!)}) / 86400.0)`, nullable: anyNullable };
    }
    case 'distance_km': {
      requireCapability(d, 'mathFunctions', 'distance_km');
      const [lat1, lon1, lat2, lon2] = sqls as [Sql, Sql, Sql, Sql];
      // Haversine on a sphere of radius 6,371 km.
      const h = sql`power(sin(radians(${lat2} - ${lat1}) / 2), 2) + cos(radians(${lat1})) * cos(radians(${lat2})) * power(sin(radians(${lon2} - ${lon1}) / 2), 2)`;
      // Rounding can push the root a hair above 1 for antipodal points; asin would fail there.
      const root = sql`sqrt(${h})`;
      return { sql: sql`(2 * 6371 * asin(case when ${root} > 1 then 1 else ${root} end))`, nullable: anyNullable };
    }
  }
}
