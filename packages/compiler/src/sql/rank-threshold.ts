/**
 * `quintile(x) >= 4` without ranking every customer: a score compared with a
 * number is a comparison of `x` with one value of the sorted audience.
 *
 * With L = how many non-missing values are strictly below x and n = how many
 * are not missing, the qcut score is 1 + min(B−1, ⌊(L·B − 1)/(n−1)⌋) (see
 * rank-sql.ts). For 2 ≤ k ≤ B:
 *
 *   score ≥ k  ⇔  L·B − 1 ≥ (k−1)(n−1)  ⇔  L ≥ m = ⌊(k−1)(n−1)/B⌋ + 1
 *             ⇔  x > v[m−1]            (v sorted ascending, 0-based, duplicates kept)
 *
 * and v[m−1] is `select x … order by x limit 1 offset ⌊(k−1)(n−1)/B⌋` — one
 * sort, exact integer positions, no interpolation — or, where the engine has
 * SQLite's `percentile_disc` (value at ⌊P·(n−1)⌋), that aggregate with
 * P = (k−1)/B + 1e−13: no sort at all. The nudge keeps the truncated product
 * from falling one short of an exact integer through rounding, and stays below
 * the smallest fractional gap 1/B for any n < 10¹¹. (k ≤ 1 holds for every
 * non-missing x; k > B for none.) Every other comparison reduces to "score ≥ k":
 * `desc` scores are B+1−score, `<`, `<=`, `=`, `!=` combine two of them, and a
 * missing x keeps every comparison false.
 */
import { sql } from 'kysely';
import type { CheckedWorkspace, CompareOp, IrExpr } from '@seg/core';
import type { Dialect, Sql } from '../dialect/dialect';
import type { SqlExpr } from './sql-expr';

const BUCKETS: Record<string, number> = { quintile: 5, decile: 10, percentile: 100 };

export interface RankComparison {
  /** What is ranked: a metric or a customer field (a column of some layer). */
  readonly arg: Extract<IrExpr, { kind: 'metric' | 'field' }>;
  readonly buckets: number;
  readonly desc: boolean;
  /** score `op` value, with the score on the left. */
  readonly op: CompareOp;
  readonly value: number;
}

const FLIP: Record<CompareOp, CompareOp> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

function scoreOf(ws: CheckedWorkspace, e: IrExpr): Omit<RankComparison, 'op' | 'value'> | undefined {
  const rank = e.kind === 'metric' ? ws.metrics[e.name]?.expr : e;
  if (!rank || rank.kind !== 'rank') return undefined;
  const arg = rank.arg;
  if (arg.kind !== 'metric' && !(arg.kind === 'field' && arg.scope === 'audience')) return undefined;
  const buckets = BUCKETS[rank.fn];
  if (buckets === undefined) return undefined;
  return { arg, buckets, desc: rank.desc };
}

/** A comparison of a qcut score with a number literal, if `expr` is one. */
export function rankComparison(ws: CheckedWorkspace, expr: IrExpr): RankComparison | undefined {
  if (expr.kind !== 'compare') return undefined;
  return scoreAgainst(ws, expr.left, expr.right, expr.op) ?? scoreAgainst(ws, expr.right, expr.left, FLIP[expr.op]);
}

/** `score op other` when `score` is a qcut score and `other` a number literal. */
function scoreAgainst(ws: CheckedWorkspace, score: IrExpr, other: IrExpr, op: CompareOp): RankComparison | undefined {
  if (other.kind !== 'literal' || typeof other.value !== 'number') return undefined;
  const found = scoreOf(ws, score);
  return found ? { ...found, op, value: other.value } : undefined;
}

/** The nudge added to P for `percentile_disc` (see above). */
const PERCENTILE_NUDGE = 1e-13;

/**
 * The ascending sorted value of `value` (non-missing rows of `from`) at position
 * ⌊(k−1)(n−1)/B⌋, 0-based; NULL when every value is missing.
 */
export function sortedValueAt(value: Sql, from: Sql, k: number, B: number, d: Dialect): Sql {
  if (d.capabilities.percentileDisc) {
    return sql`(select percentile_disc(${value}, ${sql.lit((k - 1) / B + PERCENTILE_NUDGE)}) from ${from})`;
  }
  const n = sql`(select count(${value}) from ${from})`;
  const offset = d.intDivide(sql`(${n} - 1) * ${sql.lit(k - 1)}`, sql.lit(B));
  return sql`(select ${value} from ${from} where ${value} is not null order by ${value} limit 1 offset ${offset})`;
}

/**
 * The comparison as SQL over `x` (the ranked value in the current row), with
 * `thresholdAt(k)` giving the sorted audience value v[⌊(k−1)(n−1)/B⌋].
 */
export function rankComparisonSql(c: RankComparison, x: Sql, thresholdAt: (k: number) => Sql, d: Dialect): SqlExpr {
  const B = c.buckets;
  const present = sql`${x} is not null`;
  /** score ≥ k for the ascending score (false when x is missing). */
  const ascAtLeast = (k: number): Sql => {
    if (k <= 1) return present;
    if (k > B) return d.bool(false);
    return sql`${x} > ${thresholdAt(k)}`;
  };
  /** score ≥ k for this comparison's direction. */
  const atLeast = (k: number): Sql => (c.desc ? sql`(${present} and not ${ascAtLeast(B + 2 - k)})` : ascAtLeast(k));
  const notAtLeast = (k: number): Sql => sql`(${present} and not ${atLeast(k)})`;
  const v = c.value;
  let body: Sql;
  switch (c.op) {
    case '>=':
      body = atLeast(Math.ceil(v));
      break;
    case '>':
      body = atLeast(Math.floor(v) + 1);
      break;
    case '<=':
      body = notAtLeast(Math.floor(v) + 1);
      break;
    case '<':
      body = notAtLeast(Math.ceil(v));
      break;
    case '=':
      body = Number.isInteger(v) ? sql`(${atLeast(v)} and not ${atLeast(v + 1)})` : d.bool(false);
      break;
    case '!=':
      body = Number.isInteger(v) ? sql`(${present} and not (${atLeast(v)} and not ${atLeast(v + 1)}))` : present;
      break;
  }
  // Keep it two-valued: a NULL threshold (no values at all) never makes a row match.
  return { sql: sql`coalesce(${body}, ${d.bool(false)})`, nullable: false };
}
