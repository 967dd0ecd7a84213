/**
 * A ranking plan compiled from source and executed stage by stage on every
 * engine (holdout drawn and arbitration done in TypeScript, as the runtime does):
 * suppression, strategies, eligibility with valid dates and channels, an offer
 * family expanded from its catalogue, boosts, per-category limits and caps.
 */
import { describe, expect, it } from 'vitest';
import { createSchema, insertFixtures } from '../../runtime/src/fixtures';
import { testEngines } from '../../runtime/test/support/engines';
import { compilePlan } from '../src/index';
import { runPlan } from './support/run-plan';
import { checked } from './support/workspace';

const SOURCE = `
audience customers

table customers key customer_id {
  email_opt_in  bool
}

table orders key order_id time placed_at {
  customer  -> customers on customer_id
  channel   text
  total     number
}

table order_lines {
  order     -> orders on order_id
  product   -> products on sku
  quantity  number
}

table products key sku {
  category  text
}

table coupon_catalog key coupon_id {
  category         text
  base_score       number
  max_redemptions  number
}

map adjacent {
  "Baby" -> ("Toys")
  "Toys" -> ("Baby")
}

metric spend = sum(orders.total)

segment dormant { count(orders) > 0 and last(orders.placed_at) < 180 days ago }
segment baby { any(order_lines in last 180 days where product.category = "Baby") }

strategy vm {
  primary {
    when dormant then reactivate
    else grow
  }
  secondary {
    when baby then cross_sell
    else retain
  }
}

offer winback {
  category "Fashion"
  channels email
  strategy reactivate
  eligible dormant
  score 0.2
  value 12
}

offer baby_offer {
  category "Baby"
  channels email
  strategy cross_sell
  valid from 2026-11-01 to 2026-12-31
  eligible baby
  score 0.4 + count(order_lines in last 365 days where product.category = "Baby") / 10
  value 3.5
  cap 1
}

offer sms_only {
  channels sms
  strategy grow
}

offers coupons from coupon_catalog key coupon_id {
  category offer.category
  channels email
  strategy cross_sell
  eligible any(order_lines in last 90 days where product.category in adjacent[offer.category])
  score offer.base_score
  cap offer.max_redemptions
}

plan weekly {
  audience email_opt_in
  channel email
  offers baby_offer, coupons, sms_only, winback
  strategy vm
  rank by score * offer.value
  boost 1.5 when offer.strategy = primary
  top 2 per customer
  at most 1 per category
  suppress when count(contacts in last 3 days where channel = "email") > 0
  holdout 50%
  output table weekly_out with spend
}
`;

const ROWS = {
  customers: ['c1', 'c2', 'c3', 'c4', 'c5'].map((id) => ({ customer_id: id, email_opt_in: id !== 'c4' })),
  orders: [
    { order_id: 'o1', customer: 'c1', total: 10, placed_at: '2026-01-01T00:00:00Z' },
    { order_id: 'o2', customer: 'c2', total: 20, placed_at: '2026-11-01T00:00:00Z' },
    { order_id: 'o3', customer: 'c3', total: 30, placed_at: '2026-11-02T00:00:00Z' },
    { order_id: 'o5', customer: 'c5', total: 30, placed_at: '2026-11-02T00:00:00Z' },
  ],
  order_lines: [
    { order: 'o2', product: 'B1', quantity: 1 },
    { order: 'o3', product: 'B1', quantity: 1 },
    { order: 'o3', product: 'T1', quantity: 1 },
    { order: 'o5', product: 'B1', quantity: 1 },
  ],
  products: [
    { sku: 'B1', category: 'Baby' },
    { sku: 'T1', category: 'Toys' },
  ],
  coupon_catalog: [
    { coupon_id: 'T', category: 'Toys', base_score: 5, max_redemptions: 10 },
    { coupon_id: 'B', category: 'Baby', base_score: 4, max_redemptions: null },
  ],
  // c5 was emailed yesterday: suppressed this week.
  contacts: [{ plan: 'weekly', offer: 'x', channel: 'email', category: 'Baby', at: '2026-11-21T00:00:00Z', customer: 'c5' }],
};

const ws = checked({ 'plan.seg': SOURCE });
const asOf = new Date('2026-11-22T00:00:00Z');

describe.each(testEngines())('a weekly plan on $label', (engine) => {
  it('suppresses, assigns strategies, scores with boosts and arbitrates', async () => {
    const db = await engine.open();
    try {
      await createSchema(db, ws.model);
      await insertFixtures(db, ws.model, ROWS);
      const plan = compilePlan(ws, 'weekly', db.dialect);
      const run = await runPlan(db, plan, { asOf, timeZone: 'UTC' }, { holdout: false });

      expect(run.audience).toEqual(['c1', 'c2', 'c3', 'c5']);
      expect(plan.offers.find((o) => o.name === 'sms_only')?.onChannel).toBe(false);
      // baby_offer: (0.4 + 1/10) × 3.5; coupons:T / coupons:B: base score × 1; winback: 0.2 × 12 × 1.5 (primary).
      expect(run.candidates.map((c) => `${c.customer_key} ${c.offer} ${Number(c.score).toFixed(2)}`)).toEqual([
        'c1 winback 3.60',
        'c2 baby_offer 1.75',
        'c2 coupons:T 5.00',
        'c3 baby_offer 1.75',
        'c3 coupons:B 4.00',
        'c3 coupons:T 5.00',
      ]);
      // c3 keeps one Baby offer (the better coupon); baby_offer's cap of 1 goes to c2.
      expect(run.assignments.map((a) => [a.customerKey, a.offer, a.rank])).toEqual([
        ['c1', 'winback', 1],
        ['c2', 'coupons:T', 1],
        ['c2', 'baby_offer', 2],
        ['c3', 'coupons:T', 1],
        ['c3', 'coupons:B', 2],
      ]);
      expect(run.uncapped.map((r) => `${r.customer_key} ${r.offer} ${Number(r.rank)}`)).toEqual([
        'c1 winback 1',
        'c2 coupons:T 1',
        'c2 baby_offer 2',
        'c3 coupons:T 1',
        'c3 coupons:B 2',
      ]);
      expect(run.output.map((r) => [r.customer_key, r.strategy, r.secondary_strategy, Number(r.spend)])).toEqual([
        ['c1', 'reactivate', 'retain', 10],
        ['c2', 'grow', 'cross_sell', 20],
        ['c3', 'grow', 'cross_sell', 30],
        ['c5', 'grow', 'cross_sell', 30],
      ]);
    } finally {
      await db.close();
    }
  });

  it('holds out the customers the hash draws, identically on every engine', async () => {
    const db = await engine.open();
    try {
      await createSchema(db, ws.model);
      await insertFixtures(db, ws.model, ROWS);
      const run = await runPlan(db, compilePlan(ws, 'weekly', db.dialect), { asOf, timeZone: 'UTC' });
      // holdout 50%: the draw is fixed by plan name and key.
      expect(run.holdout).toMatchInlineSnapshot(`
        [
          "c1",
          "c2",
          "c5",
        ]
      `);
      for (const a of run.assignments) expect(run.holdout).not.toContain(a.customerKey);
    } finally {
      await db.close();
    }
  });
});
