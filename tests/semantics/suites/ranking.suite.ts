/**
 * Ranking over the whole audience, by the pandas-qcut convention of LANGUAGE.md:
 * cut points are the k/B quantiles of the non-missing values (linear interpolation,
 * as numpy.quantile and percentile_cont); a score is 1 + the number of cut points
 * strictly below the value; `desc` is B + 1 − score; missing values get no score.
 * The hand-worked scores below were cross-checked with numpy.quantile.
 */
import { describe, it } from 'vitest';
import { testEngines } from '../../../packages/runtime/test/support/engines';
import { defineCorpus } from '../../support/semantics';
import { RETAIL_MODEL } from '../corpus/retail-model';

const AS_OF = '2026-03-31';
const ids = Array.from({ length: 10 }, (_, i) => `r${String(i + 1).padStart(2, '0')}`);
const CLV = [10, 20, 20, 20, 30, 40, 50, null, null, null];
const EXACT = [1, 2, 3, 4, 5, 6, null, null, null, null]; // every value sits on a cut point

const corpus = defineCorpus({
  model: RETAIL_MODEL,
  data: {
    customers: ids.map((id, i) => ({
      customer_id: id,
      predicted_clv: CLV[i],
      latitude: EXACT[i],
      churn_risk: i + 1, // 1..10
      longitude: i === 0 ? 7 : null, // one non-missing value
    })),
    orders: [
      { order_id: 'o1', customer: 'r01', placed_at: '2026-03-01', total: 100 },
      { order_id: 'o2', customer: 'r02', placed_at: '2026-03-02', total: 50 },
      { order_id: 'o3', customer: 'r03', placed_at: '2026-03-03', total: 20 },
      { order_id: 'o4', customer: 'r03', placed_at: '2026-03-04', total: 30 },
    ],
  },
});

/** `{ r01: a, r02: b, … }` from a list in member order. */
function byMember(values: readonly (number | null)[]): Record<string, number | null> {
  return Object.fromEntries(ids.map((id, i) => [id, values[i] ?? null]));
}

describe.each(testEngines())('ranking on $label', (engine) => {
  const run = corpus.on(engine);

  it('quintile: ties share a score, missing values get none', async () => {
    // Non-missing values 10 20 20 20 30 40 50: cut points 20, 20, 26, 38.
    await run.metric('quintile(predicted_clv)', AS_OF, byMember([1, 1, 1, 1, 4, 5, 5, null, null, null]));
  });

  it('quintile desc is 6 − quintile', async () => {
    await run.metric('quintile(predicted_clv desc)', AS_OF, byMember([5, 5, 5, 5, 2, 1, 1, null, null, null]));
  });

  it('a value equal to a cut point is not above it', async () => {
    // Values 1..6: cut points exactly 2, 3, 4, 5.
    await run.metric('quintile(latitude)', AS_OF, byMember([1, 1, 2, 3, 4, 5, null, null, null, null]));
  });

  it('all values equal, or only one value: everyone scores 1', async () => {
    await run.metric('quintile(churn_risk * 0)', AS_OF, byMember([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
    await run.metric('quintile(longitude)', AS_OF, byMember([1, null, null, null, null, null, null, null, null, null]));
  });

  it('quintile of a metric ranks every member, including those with no orders (sum = 0)', async () => {
    // Spend 100, 50, 50, then seven 0s: cut points 0, 0, 0, 50.
    await run.metric('quintile(sum(orders.total))', AS_OF, byMember([5, 4, 4, 1, 1, 1, 1, 1, 1, 1]));
    await run.metric('quintile(spend desc)', AS_OF, byMember([1, 2, 2, 5, 5, 5, 5, 5, 5, 5]), 'metric spend = sum(orders.total)');
  });

  it('decile and percentile', async () => {
    await run.metric('decile(churn_risk)', AS_OF, byMember([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    await run.metric('decile(churn_risk desc)', AS_OF, byMember([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]));
    await run.metric('decile(predicted_clv)', AS_OF, byMember([1, 2, 2, 2, 7, 9, 10, null, null, null]));
    await run.metric('percentile(churn_risk)', AS_OF, byMember([1, 12, 23, 34, 45, 56, 67, 78, 89, 100]));
    await run.metric('percentile(predicted_clv)', AS_OF, byMember([1, 17, 17, 17, 67, 84, 100, null, null, null]));
    await run.metric('percentile(predicted_clv desc)', AS_OF, byMember([100, 84, 84, 84, 34, 17, 1, null, null, null]));
  });

  it('rank: ties share the lower rank (SQL RANK), ascending unless desc', async () => {
    await run.metric('rank(predicted_clv)', AS_OF, byMember([1, 2, 2, 2, 5, 6, 7, null, null, null]));
    await run.metric('rank(predicted_clv desc)', AS_OF, byMember([7, 4, 4, 4, 3, 2, 1, null, null, null]));
  });

  it('ntile is SQL NTILE: the first tiles take the extra rows', async () => {
    await run.metric('ntile(churn_risk, 3)', AS_OF, byMember([1, 1, 1, 1, 2, 2, 2, 3, 3, 3]));
    await run.metric('ntile(churn_risk desc, 4)', AS_OF, byMember([4, 4, 3, 3, 2, 2, 2, 1, 1, 1]));
  });

  it('ntile breaks ties by member key, so every engine agrees', async () => {
    // 10 20 20 20 30 40 50 in key order: tiles of 3, 2, 2 split the three 20s.
    await run.metric('ntile(predicted_clv, 3)', AS_OF, byMember([1, 1, 1, 2, 2, 3, 3, null, null, null]));
  });

  it('scores in segments', async () => {
    await run.segment('quintile(predicted_clv) >= 4', AS_OF, ['r05', 'r06', 'r07']);
    await run.segment('rank(predicted_clv desc) <= 2', AS_OF, ['r06', 'r07']);
    await run.segment('quintile(predicted_clv) is missing', AS_OF, ['r08', 'r09', 'r10']);
  });
});

/**
 * 101 members with values 0, 10, …, 1000: the k-th percentile cut point is exactly the
 * value 10·k (position k·100/100 = k), so member i scores max(1, i). Computing the
 * position in floating point (0.29 · 100 = 28.999…, as numpy and percentile_cont do)
 * would put the 29th cut a hair below 290 and score that member 30 instead of 29.
 */
const hundred = defineCorpus({
  model: RETAIL_MODEL,
  data: {
    customers: Array.from({ length: 101 }, (_, i) => ({ customer_id: `h${String(i).padStart(3, '0')}`, churn_risk: i * 10 })),
  },
});

describe.each(testEngines())('percentile cut points that fall on a value, on $label', (engine) => {
  const run = hundred.on(engine);

  it('a cut point exactly on a value does not lift that value', async () => {
    const expected = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`h${String(i).padStart(3, '0')}`, Math.max(1, i)]));
    await run.metric('percentile(churn_risk)', AS_OF, expected);
  });
});
