/**
 * Rules built from rules: segments that use segments and metrics (across files),
 * metrics over metrics and rankings, `all of` / `any of` / `none of` blocks,
 * precedence of `and` over `or`, and conditions on separate lines.
 */
import { describe, expect, it } from 'vitest';
import { testEngines } from '../../../packages/runtime/test/support/engines';
import { bindParameters, compileMembers } from '../../../packages/compiler/src/index';
import { parseAsOf } from '../../../packages/core/src/model/time-points';
import { checked, defineCorpus } from '../../support/semantics';
import { RETAIL_MODEL } from '../corpus/retail-model';

const AS_OF = '2026-03-31';

const RULES = `
metric spend = sum(orders.total)
metric orders_n = count(orders)
metric m_score = quintile(spend)

// Bought at least once (a doc comment).
segment buyers "Buyers" { orders_n > 0 }
/* Spent 100 or more, ever. */
segment big "Big spenders" { spend >= 100 } // trailing comment
segment big_buyers { buyers and big }
segment small_buyers { buyers and not big }
segment top_spenders { m_score >= 4 }

segment nested {
  all of {
    buyers
    any of {
      country = "AU"
      spend > 500
    }
    none of {
      email_opt_in
      country = "US"
    }
  }
}

segment lines {
  all of {
    spend > 100
    country = "NZ"
  }
}

segment paren_lines {
  all of {
    buyers
    (country = "AU" or country = "NZ")
  }
}

segment and_first { country = "AU" or country = "NZ" and spend > 150 }
segment grouped { (country = "AU" or country = "NZ") and spend > 150 }
segment not_any {
  not any of {
    big
    country = "US"
  }
}
`;

const corpus = defineCorpus({
  model: RETAIL_MODEL,
  data: {
    customers: [
      { customer_id: 'k1', country: 'AU', email_opt_in: true, name: 'apple' },
      { customer_id: 'k2', country: 'NZ', email_opt_in: false, name: 'Banana' },
      { customer_id: 'k3', country: 'AU', email_opt_in: null, name: 'cherry' },
      { customer_id: 'k4', country: 'US', name: 'Äpfel' },
      { customer_id: 'k5', country: 'AU', name: 'b' },
      { customer_id: 'k6', country: 'NZ', email_opt_in: true },
    ],
    orders: [
      { order_id: 'o1', customer: 'k1', placed_at: '2026-01-01', total: 50 },
      { order_id: 'o2', customer: 'k1', placed_at: '2026-02-01', total: 60 },
      { order_id: 'o3', customer: 'k2', placed_at: '2026-01-05', total: 600 },
      { order_id: 'o4', customer: 'k3', placed_at: '2026-01-06', total: 20 },
      { order_id: 'o5', customer: 'k4', placed_at: '2026-01-07', total: 1000 },
      { order_id: 'o6', customer: 'k6', placed_at: '2026-01-08', total: 200 },
    ],
  },
});

describe.each(testEngines())('composition on $label', (engine) => {
  const run = corpus.on(engine);
  const members = async (name: string) => (await run.named('segment', name, RULES, AS_OF)).sql;

  it('segments use metrics and other segments', async () => {
    expect(await members('buyers')).toEqual(['k1', 'k2', 'k3', 'k4', 'k6']);
    expect(await members('big')).toEqual(['k1', 'k2', 'k4', 'k6']);
    expect(await members('big_buyers')).toEqual(['k1', 'k2', 'k4', 'k6']);
    expect(await members('small_buyers')).toEqual(['k3']);
  });

  it('a segment on a ranking metric over a metric', async () => {
    // Spend 110, 600, 20, 1000, 0, 200: cut points 20, 110, 200, 600.
    const scores = (await run.named('metric', 'm_score', RULES, AS_OF)).sql as Map<string, unknown>;
    expect(Object.fromEntries(scores)).toEqual({ k1: 2, k2: 4, k3: 1, k4: 5, k5: 1, k6: 3 });
    expect(await members('top_spenders')).toEqual(['k2', 'k4']);
  });

  it('all of / any of / none of nest', async () => {
    expect(await members('nested')).toEqual(['k2', 'k3']);
  });

  it('one condition per line; a line starting with ( is a new condition', async () => {
    expect(await members('lines')).toEqual(['k2', 'k6']);
    expect(await members('paren_lines')).toEqual(['k1', 'k2', 'k3', 'k6']);
  });

  it('`and` binds tighter than `or`; parentheses group', async () => {
    expect(await members('and_first')).toEqual(['k1', 'k2', 'k3', 'k5', 'k6']);
    expect(await members('grouped')).toEqual(['k2', 'k6']);
  });

  it('metrics and segments inside an aggregate’s where', async () => {
    await run.metric('count(orders where total > avg_total)', AS_OF, { k1: 1, k2: 0, k5: 0 }, 'metric avg_total = avg(orders.total)');
    await run.metric('count(orders where total >= 0.5 * spend)', AS_OF, { k1: 1, k2: 1, k3: 1, k5: 0 }, 'metric spend = sum(orders.total)');
    await run.metric('count(orders where big)', AS_OF, { k1: 2, k2: 1, k3: 0, k4: 1, k6: 1 }, 'segment big { sum(orders.total) >= 100 }');
  });

  it('a link from an event back to the audience', async () => {
    await run.segment('any(orders where customer.country = "AU")', AS_OF, ['k1', 'k3']);
  });

  it('metrics of text and bool type', async () => {
    await run.segment('top_country = "AU"', AS_OF, ['k1', 'k3', 'k5'], 'metric top_country = country');
    await run.segment('is_big and country = "NZ"', AS_OF, ['k2', 'k6'], 'segment big { sum(orders.total) >= 100 }\nmetric is_big = big');
  });

  it('text order is by code point, the same on every engine', async () => {
    await run.segment('name < "b"', AS_OF, ['k1', 'k2']);
    await run.segment('name >= "b"', AS_OF, ['k3', 'k4', 'k5']);
  });

  it('a timestamp literal with an offset', async () => {
    await run.segment('any(orders where placed_at >= 2026-01-07T10:00:00+10:00)', AS_OF, ['k1', 'k4', 'k6']);
  });

  it('`not` in front of a block', async () => {
    expect(await members('not_any')).toEqual(['k3', 'k5']);
  });
});

describe.each(testEngines())('members with metric columns on $label', (engine) => {
  const run = corpus.on(engine);

  it('compileMembers lists each member once with the metrics asked for', async () => {
    const ws = checked({ 'model.seg': RETAIL_MODEL, 'rules.seg': RULES });
    const query = compileMembers(ws, 'big', engine.name, { with: ['spend', 'm_score'] });
    const rows = await run.db().query<{ key: string; spend: unknown; m_score: unknown }>(
      query.sql,
      bindParameters(query.parameters, { asOf: parseAsOf(AS_OF, 'UTC'), timeZone: 'UTC' }),
    );
    // m_score ranks the whole audience, not just the segment's members.
    expect(rows.map((r) => [r.key, Number(r.spend), Number(r.m_score)])).toEqual([
      ['k1', 110, 2],
      ['k2', 600, 4],
      ['k4', 1000, 5],
      ['k6', 200, 3],
    ]);
  });
});
