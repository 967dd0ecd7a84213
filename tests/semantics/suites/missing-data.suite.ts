/**
 * The one missing-data rule (LANGUAGE.md): count/sum/distinct over no events are 0,
 * any is false and none true, avg/min/max/first/last are missing; any comparison
 * with a missing value is false; `not` of a false condition is true (two-valued
 * logic at condition level); `coalesce` and `is missing` handle missing explicitly.
 */
import { describe, it } from 'vitest';
import { testEngines } from '../../../packages/runtime/test/support/engines';
import { defineCorpus } from '../../support/semantics';
import { RETAIL_MODEL } from '../corpus/retail-model';

const AS_OF = '2026-03-31';

const corpus = defineCorpus({
  model: RETAIL_MODEL,
  data: {
    customers: [
      { customer_id: 'm1', name: 'Ann', country: 'AU', predicted_clv: 100, churn_risk: 0.5, email_opt_in: true, latitude: -33.87, longitude: 151.21 },
      { customer_id: 'm2', name: 'Bob', country: 'NZ', predicted_clv: 5, email_opt_in: false }, // no orders
      { customer_id: 'm3', country: 'AU', predicted_clv: null, email_opt_in: null }, // orders without totals
      { customer_id: 'm4' }, // nothing known
      { customer_id: 'm5' }, // earliest order has no total
    ],
    orders: [
      { order_id: 'o1', customer: 'm1', placed_at: '2026-03-01', channel: 'web', total: 10 },
      { order_id: 'o2', customer: 'm1', placed_at: '2026-03-10', channel: 'store', total: 20 },
      { order_id: 'o3', customer: 'm3', placed_at: '2026-03-05', channel: 'web', total: null },
      { order_id: 'o4', customer: 'm3', placed_at: '2026-03-06' },
      { order_id: 'o5', customer: 'm5', placed_at: '2026-02-01', total: null },
      { order_id: 'o6', customer: 'm5', placed_at: '2026-02-02', total: 7 },
      { order_id: 'o7', customer: 'm2', placed_at: '2026-04-01', total: 99 }, // after as-of: never seen
    ],
  },
});

describe.each(testEngines())('missing data on $label', (engine) => {
  const run = corpus.on(engine);

  it('count, sum and distinct over no events are 0', async () => {
    await run.metric('count(orders)', AS_OF, { m1: 2, m2: 0, m3: 2, m4: 0, m5: 2 });
    await run.metric('sum(orders.total)', AS_OF, { m1: 30, m2: 0, m3: 0, m4: 0, m5: 7 });
    await run.metric('distinct(orders.channel)', AS_OF, { m1: 2, m2: 0, m3: 1, m4: 0, m5: 0 });
    await run.metric('count(orders in last 7 days)', AS_OF, { m1: 0 });
  });

  it('any over no events is false and none is true', async () => {
    await run.segment('any(orders)', AS_OF, ['m1', 'm3', 'm5']);
    await run.segment('none(orders)', AS_OF, ['m2', 'm4']);
    await run.metric('none(orders where total > 15)', AS_OF, { m1: false, m2: true, m3: true });
    await run.segment('not (count(orders in last 7 days) > 0)', AS_OF, ['m1', 'm2', 'm3', 'm4', 'm5']);
  });

  it('`not any(…)` selects the members with no such events', async () => {
    await run.segment('not any(orders)', AS_OF, ['m2', 'm4']);
  });

  it('`any(…) = false` holds for members with no such events', async () => {
    await run.segment('any(orders) = false', AS_OF, ['m2', 'm4']);
  });

  it('any as a metric value is false, not missing, over no events', async () => {
    await run.metric('any(orders)', AS_OF, { m1: true, m2: false, m4: false });
  });

  it('avg, min and max over no (non-missing) values are missing', async () => {
    await run.metric('avg(orders.total)', AS_OF, { m1: 15, m2: null, m3: null, m4: null, m5: 7 });
    await run.metric('min(orders.total)', AS_OF, { m1: 10, m2: null, m3: null });
    await run.metric('max(orders.total)', AS_OF, { m1: 20, m2: null, m3: null });
    await run.metric('max(orders.placed_at)', AS_OF, { m1: '2026-03-10', m2: null });
  });

  it('first and last are the values at the earliest and latest event, missing over no events', async () => {
    await run.metric('first(orders.total)', AS_OF, { m1: 10, m2: null, m4: null });
    await run.metric('last(orders.total)', AS_OF, { m1: 20, m2: null, m5: 7 });
  });

  it('first is the earliest event’s value even when that value is missing', async () => {
    await run.metric('first(orders.total)', AS_OF, { m5: null, m3: null });
  });

  it('a comparison with a missing value is false, whichever the operator', async () => {
    await run.segment('avg(orders.total) > 0', AS_OF, ['m1', 'm5']);
    await run.segment('avg(orders.total) <= 0', AS_OF, []);
    await run.segment('avg(orders.total) != 15', AS_OF, ['m5']);
    await run.segment('predicted_clv != 5', AS_OF, ['m1']);
    await run.segment('predicted_clv + 1 > 0', AS_OF, ['m1', 'm2']);
    await run.segment('sum(orders.total) = 0', AS_OF, ['m2', 'm3', 'm4']);
  });

  it('`not` of a condition that is false because of a missing value is true', async () => {
    await run.segment('not (avg(orders.total) > 0)', AS_OF, ['m2', 'm3', 'm4']);
    await run.segment('not (predicted_clv = 5)', AS_OF, ['m1', 'm3', 'm4', 'm5']);
    await run.segment('not (name contains "n")', AS_OF, ['m2', 'm3', 'm4', 'm5']);
    await run.segment('not not (predicted_clv = 5)', AS_OF, ['m2']);
  });

  it('a missing bool is false as a condition', async () => {
    await run.segment('email_opt_in', AS_OF, ['m1']);
    await run.segment('not email_opt_in', AS_OF, ['m2', 'm3', 'm4', 'm5']);
    await run.segment('email_opt_in = false', AS_OF, ['m2']);
    await run.segment('email_opt_in != true', AS_OF, ['m2']);
  });

  it('`in`, `not in`, `between` and text matches are false on a missing value', async () => {
    await run.segment('country in ("AU")', AS_OF, ['m1', 'm3']);
    await run.segment('country not in ("AU")', AS_OF, ['m2']);
    await run.segment('predicted_clv between 5 and 100', AS_OF, ['m1', 'm2']);
    await run.segment('predicted_clv not between 6 and 99', AS_OF, ['m1', 'm2']);
    await run.segment('name starts with "A"', AS_OF, ['m1']);
  });

  it('and / or with missing operands', async () => {
    await run.segment('predicted_clv > 50 or country = "AU"', AS_OF, ['m1', 'm3']);
    await run.segment('predicted_clv > 50 and country = "AU"', AS_OF, ['m1']);
    await run.segment('not (predicted_clv > 50 or country = "NZ")', AS_OF, ['m3', 'm4', 'm5']);
  });

  it('coalesce and is missing handle missing values explicitly', async () => {
    await run.segment('coalesce(avg(orders.total), 0) = 0', AS_OF, ['m2', 'm3', 'm4']);
    await run.metric('coalesce(predicted_clv, coalesce(churn_risk, -1))', AS_OF, { m1: 100, m2: 5, m3: -1, m4: -1 });
    await run.segment('avg(orders.total) is missing', AS_OF, ['m2', 'm3', 'm4']);
    await run.segment('last(orders.placed_at) is not missing', AS_OF, ['m1', 'm3', 'm5']);
    await run.segment('predicted_clv is missing', AS_OF, ['m3', 'm4', 'm5']);
    await run.segment('not (predicted_clv is missing)', AS_OF, ['m1', 'm2']);
  });

  it('arithmetic and functions of a missing value are missing', async () => {
    await run.metric('predicted_clv * 2', AS_OF, { m1: 200, m2: 10, m3: null });
    await run.metric('days_since(signup_at)', AS_OF, { m1: null });
    await run.metric('abs(predicted_clv)', AS_OF, { m4: null });
    await run.segment('distance_km(latitude, longitude, 0, 0) > 0', AS_OF, ['m1']);
  });

  it('min(a, b) and max(a, b) with a missing argument are missing', async () => {
    await run.metric('min(predicted_clv, 50)', AS_OF, { m1: 50, m2: 5, m3: null });
    await run.metric('max(predicted_clv, 50)', AS_OF, { m1: 100, m2: 50, m3: null });
  });

  it('a metric that is missing stays missing where it is used', async () => {
    const extra = 'metric avg_total = avg(orders.total)';
    await run.segment('avg_total > 0 or avg_total is missing', AS_OF, ['m1', 'm2', 'm3', 'm4', 'm5'], extra);
    await run.segment('avg_total < 100', AS_OF, ['m1', 'm5'], extra);
  });
});
