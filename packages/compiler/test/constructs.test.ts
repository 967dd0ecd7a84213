/**
 * Every construct of the language, compiled from `.seg` source and run on every
 * engine over a handful of rows whose answers are worked out by hand in the
 * comments. (The data-driven semantic suite lives in tests/; this file makes
 * sure each construct compiles and runs on all three dialects.)
 */
import { describe, expect, it } from 'vitest';
import { testEngines } from '../../runtime/test/support/engines';
import { withTimestampStorage } from '../src/index';
import { onEngine } from './support/engine-harness';
import { checked } from './support/workspace';

const MODEL = `
audience customers

table customers key customer_id {
  name           text
  city           text
  email_opt_in   bool
  predicted_clv  number
  latitude       number
  longitude      number
  signup_at      timestamp
}

table orders key order_id time placed_at {
  customer  -> customers on customer_id
  channel   text in ("web", "store", "app")
  total     number
}

table order_lines {
  order     -> orders on order_id
  product   -> products on sku
  quantity  number
  price     number
}

table products key sku {
  category  text
}

const big = 100
list outdoor = ("Outdoor", "Sports")
map adjacent {
  "Baby" -> ("Toys")
  "Toys" -> ("Baby", "Home")
}
`;

// As of 2026-03-31T00:00:00Z.
const ROWS = {
  customers: {
    columns: { customer_id: 'text', name: 'text', city: 'text', email_opt_in: 'bool', predicted_clv: 'number', latitude: 'number', longitude: 'number', signup_at: 'timestamp' },
    rows: [
      { customer_id: 'c1', name: 'Ann', city: 'Sydney', email_opt_in: true, predicted_clv: 900, latitude: -33.87, longitude: 151.21, signup_at: '2026-03-20T00:00:00Z' },
      { customer_id: 'c2', name: 'Bob', city: 'Melbourne', email_opt_in: false, predicted_clv: 300, latitude: -37.81, longitude: 144.96, signup_at: '2025-01-01T00:00:00Z' },
      { customer_id: 'c3', name: 'Cy', city: null, email_opt_in: true, predicted_clv: null, latitude: null, longitude: null, signup_at: null },
      { customer_id: 'c4', name: 'Di', city: 'Sydney', email_opt_in: true, predicted_clv: 50, latitude: -33.9, longitude: 151.2, signup_at: '2026-03-30T23:00:00Z' },
    ],
  },
  orders: {
    columns: { order_id: 'text', customer_id: 'text', placed_at: 'timestamp', channel: 'text', total: 'number' },
    rows: [
      { order_id: 'o1', customer_id: 'c1', placed_at: '2026-03-10T00:00:00Z', channel: 'web', total: 120 },
      { order_id: 'o2', customer_id: 'c1', placed_at: '2026-01-15T00:00:00Z', channel: 'store', total: 80 },
      { order_id: 'o3', customer_id: 'c2', placed_at: '2025-06-01T00:00:00Z', channel: 'store', total: 500 },
      { order_id: 'o4', customer_id: 'c4', placed_at: '2026-03-30T00:00:00Z', channel: 'app', total: 10 },
      { order_id: 'o5', customer_id: 'c4', placed_at: '2026-03-29T00:00:00Z', channel: 'app', total: 10 },
      { order_id: 'o6', customer_id: 'c4', placed_at: '2026-04-02T00:00:00Z', channel: 'web', total: 999 }, // after as-of: never seen
    ],
  },
  order_lines: {
    columns: { order_id: 'text', sku: 'text', quantity: 'number', price: 'number' },
    rows: [
      { order_id: 'o1', sku: 'P1', quantity: 2, price: 30 },
      { order_id: 'o1', sku: 'P2', quantity: 1, price: 60 },
      { order_id: 'o2', sku: 'P3', quantity: 1, price: 80 },
      { order_id: 'o3', sku: 'P3', quantity: 5, price: 100 },
      { order_id: 'o4', sku: 'P1', quantity: 1, price: 10 },
      { order_id: 'o6', sku: 'P4', quantity: 1, price: 999 },
    ],
  },
  products: {
    columns: { sku: 'text', category: 'text' },
    rows: [
      { sku: 'P1', category: 'Baby' },
      { sku: 'P2', category: 'Toys' },
      { sku: 'P3', category: 'Outdoor' },
      { sku: 'P4', category: 'Home' },
    ],
  },
} as const;

const SEGMENTS: [string, string[]][] = [
  ['count(orders) > 1', ['c1', 'c4']],
  ['sum(orders.total in last 90 days) >= 100', ['c1']],
  ['avg(orders.total) > 100', ['c2']],
  ['min(orders.total) < 20', ['c4']],
  ['max(orders.total) >= 500', ['c2']],
  ['distinct(orders.channel) = 2', ['c1']],
  ['first(orders.channel) = "store"', ['c1', 'c2']],
  ['last(orders.channel) = "app"', ['c4']],
  ['any(order_lines where product.category = "Baby")', ['c1', 'c4']],
  ['none(orders in last 30 days)', ['c2', 'c3']],
  ['any(order_lines in last 365 days where product.category in outdoor)', ['c1', 'c2']],
  ['any(order_lines where product.category in adjacent["Baby"])', ['c1']],
  ['any(order_lines where product.category in adjacent["Nope"])', []],
  ['any(order_lines from 90 days ago to 30 days ago where quantity * price >= 80)', ['c1']],
  ['count(orders between 2026-03-29 and 2026-03-30) = 2', ['c4']],
  ['count(orders where total > big) >= 1', ['c1', 'c2']],
  ['name contains "n"', ['c1']],
  ['name starts with "B"', ['c2']],
  ['city is missing', ['c3']],
  ['city is not missing', ['c1', 'c2', 'c4']],
  ['predicted_clv between 100 and 900', ['c1', 'c2']],
  ['predicted_clv not between 100 and 900', ['c4']],
  ['city in ("Sydney")', ['c1', 'c4']],
  ['city not in ("Sydney")', ['c2']],
  ['signup_at in last 30 days', ['c1', 'c4']],
  ['signup_at < 2026-01-01', ['c2']],
  ['distance_km(latitude, longitude, -33.87, 151.21) <= 20', ['c1', 'c4']],
  ['days_since(last(orders.placed_at)) >= 60', ['c2']],
  ['round(predicted_clv / 7, 1) = 42.9', ['c2']],
  ['abs(-predicted_clv) > 800', ['c1']],
  ['coalesce(predicted_clv, 0) < 100', ['c3', 'c4']],
  ['min(predicted_clv, 100) = 100', ['c1', 'c2']],
  ['max(predicted_clv, 100) = 100', ['c4']],
  ['not (predicted_clv > 100)', ['c3', 'c4']],
  ['email_opt_in and not (city = "Sydney")', ['c3']],
  ['city != "Sydney"', ['c2']],
  ['all of {\n    email_opt_in\n    predicted_clv > 10\n  }', ['c1', 'c4']],
  ['any of {\n    city = "Melbourne"\n    predicted_clv < 100\n  }', ['c2', 'c4']],
  ['none of {\n    city = "Melbourne"\n    predicted_clv < 100\n  }', ['c1', 'c3']],
  ['email_opt_in = true or predicted_clv >= 300', ['c1', 'c2', 'c3', 'c4']],
  // Existence tests the compiler rewrites (to EXISTS probes or counts): same answers as the rule says.
  ['last(orders.placed_at) < 2026-03-01', ['c2']],
  ['not (last(orders.placed_at) < 2026-03-01)', ['c1', 'c3', 'c4']],
  ['last(orders.placed_at) >= 2026-03-29', ['c4']],
  ['max(orders.placed_at) <= 2026-03-10', ['c1', 'c2']],
  ['first(orders.placed_at) < 2026-01-20', ['c1', 'c2']],
  ['first(orders.placed_at) > 2026-01-15', ['c4']],
  ['min(orders.placed_at) > 2025-06-01', ['c1', 'c4']],
  ['first(orders.placed_at in last 90 days) >= 2026-03-01', ['c4']],
  ['count(orders) = 0', ['c3']],
  ['count(orders where channel = "app") >= 1 and count(orders) > 1', ['c4']],
  ['count(orders) > 0 and last(orders.placed_at) < 180 days ago', ['c2']],
  ['sum(orders.total in last 90 days) < 0.5 * sum(orders.total from 180 days ago to 90 days ago)', []],
];

const METRICS = `
metric recency = days_since(last(orders.placed_at))
metric spend = sum(orders.total)
metric share = count(orders where channel = "store") / max(1, count(orders))
metric first_order = first(orders.placed_at)
metric q = quintile(spend)
metric q_desc = quintile(spend desc)
metric r = rank(spend desc)
metric negative = -spend + 1
segment spenders { spend >= 20 }
segment loyal_spenders { spenders and q >= 4 }
`;

const asOf = '2026-03-31T00:00:00Z';

describe.each(testEngines())('$label', (engine) => {
  const run = onEngine(engine, ROWS);

  it.each(SEGMENTS)('segment { %s }', async (body, expected) => {
    const ws = checked({ 'model.seg': MODEL, 'rule.seg': `segment rule {\n  ${body}\n}\n` });
    expect(await run.members(ws, 'rule', asOf)).toEqual(expected);
    expect(await run.count(ws, 'rule', asOf)).toEqual({ count: expected.length, audience: 4 });
    // The rows store timestamps as `2026-03-10T00:00:00Z`: declared so, SQLite compares them as text.
    const iso = withTimestampStorage(ws, 'isoUtcSeconds');
    expect(await run.members(iso, 'rule', asOf)).toEqual(expected);
  });

  it('computes metrics for every audience member, missing where the rules say so', async () => {
    const ws = checked({ 'model.seg': MODEL, 'metrics.seg': METRICS });
    expect(await run.metric(ws, 'recency', asOf)).toEqual({ c1: 21, c2: 303, c3: null, c4: 1 });
    expect(await run.metric(ws, 'spend', asOf)).toEqual({ c1: 200, c2: 500, c3: 0, c4: 20 });
    expect(await run.metric(ws, 'share', asOf)).toEqual({ c1: 0.5, c2: 1, c3: 0, c4: 0 });
    expect(await run.metric(ws, 'first_order', asOf)).toEqual({
      c1: '2026-01-15T00:00:00.000Z',
      c2: '2025-06-01T00:00:00.000Z',
      c3: null,
      c4: '2026-03-29T00:00:00.000Z',
    });
    // spend sorted 0, 20, 200, 500: cut points 12, 56, 164, 320.
    expect(await run.metric(ws, 'q', asOf)).toEqual({ c1: 4, c2: 5, c3: 1, c4: 2 });
    expect(await run.metric(ws, 'q_desc', asOf)).toEqual({ c1: 2, c2: 1, c3: 5, c4: 4 });
    expect(await run.metric(ws, 'r', asOf)).toEqual({ c1: 2, c2: 1, c3: 4, c4: 3 });
    expect(await run.metric(ws, 'negative', asOf)).toEqual({ c1: -199, c2: -499, c3: 1, c4: -19 });
    expect(await run.members(ws, 'loyal_spenders', asOf)).toEqual(['c1', 'c2']);
    expect(await run.rows(ws, 'spenders', asOf, ['spend', 'q'])).toEqual([
      { key: 'c1', spend: 200, q: 4 },
      { key: 'c2', spend: 500, q: 5 },
      { key: 'c4', spend: 20, q: 2 },
    ]);
  });
});
