/**
 * Ranking functions over the whole audience, as window functions.
 *
 * quintile/decile/percentile follow pandas `qcut`: over the n non-missing values
 * v₀ ≤ … ≤ vₙ₋₁, the cut points are the k/B quantiles with linear interpolation
 * (position hₖ = (n−1)·k/B), and a score is 1 + the number of cut points
 * strictly below x. No engine-specific percentile function is needed, because
 * that count depends only on L = how many values are strictly below x:
 *
 *   * if ⌊hₖ⌋ ≤ L−1 the cut point is at most an interpolation between
 *     v_{L−1} < x and v_L = x with a fraction < 1, so it is below x;
 *   * if ⌊hₖ⌋ ≥ L it is at least v_L = x, so it is not.
 *
 * Hence cut k is below x ⇔ hₖ < L ⇔ k·(n−1) < L·B, and
 *
 *   score = 1 + min(B−1, ⌊(L·B − 1) / (n−1)⌋)   (0 when L = 0; 1 when n = 1)
 *
 * with L = RANK() − 1 among non-missing values and n = COUNT(x) OVER (),
 * all in integers — equal values always share a score. `desc` is B + 1 − score.
 */
import { sql } from 'kysely';
import type { IrExpr } from '@seg/core';
import type { Dialect, Sql } from '../dialect/dialect';
import type { SqlExpr } from './sql-expr';
import { raw } from './fragments';

const BUCKETS: Record<string, number> = { quintile: 5, decile: 10, percentile: 100 };

export function rankSql(expr: Extract<IrExpr, { kind: 'rank' }>, arg: SqlExpr, key: Sql, d: Dialect): Sql {
  const x = arg.sql;
  // Missing values get their own partition, so they neither count nor take a rank.
  const over = (direction: 'asc' | 'desc', tieBreak?: Sql) =>
    sql`over (partition by (${x} is null) order by ${x} ${raw(direction)}${tieBreak ? sql`, ${tieBreak}` : sql``})`;
  const missing = (body: Sql) => (arg.nullable ? sql`(case when ${x} is null then null else ${body} end)` : body);

  if (expr.fn === 'rank') return missing(sql`rank() ${over(expr.desc ? 'desc' : 'asc')}`);
  if (expr.fn === 'ntile') {
    const n = expr.buckets;
    if (!Number.isInteger(n) || n! < 1) throw new Error('internal: ntile needs a whole number of buckets');
    // Ties are broken by the customer key so every engine gives the same answer.
    return missing(sql`ntile(${sql.lit(n)}) ${over(expr.desc ? 'desc' : 'asc', key)}`);
  }
  const buckets = expr.buckets ?? BUCKETS[expr.fn];
  if (!buckets) throw new Error(`internal: unknown ranking ${expr.fn}`);
  const B = sql.lit(buckets);
  const below = sql`(rank() ${over('asc')} - 1)`;
  const n = sql`count(${x}) over ()`;
  const cuts = d.least([sql.lit(buckets - 1), d.greatest([sql.lit(0), d.intDivide(sql`${below} * ${B} - 1`, sql`${n} - 1`)])]);
  const score = sql`(case when ${n} = 1 then 1 else 1 + ${cuts} end)`;
  return missing(expr.desc ? sql`(${sql.lit(buckets + 1)} - ${score})` : score);
}
