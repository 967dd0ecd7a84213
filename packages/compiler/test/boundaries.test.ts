/**
 * The compiled SQL's exactness on every engine: bound literals that would break
 * a statement if spliced, window ends to the second, and ranking ties.
 * (Hand-built IR, so these pin the compiler regardless of the language front end.)
 */
import { describe, expect, it } from 'vitest';
import type { IrExpr } from '@seg/core';
import { testEngines } from '../../runtime/test/support/engines';
import { ago, audienceField, cmp, count, num, txt, workspace } from './support/ir';
import { onEngine } from './support/engine-harness';

const NASTY = `O'Brien"; drop table customers; -- \\ ü 🎉 %_`;
const name = audienceField('name', 'text');
const clv = audienceField('predicted_clv', 'number');
const window = (start: number, end?: number): IrExpr =>
  count('orders', { start: ago(start), ...(end !== undefined ? { end: ago(end) } : {}) });

const ws = workspace({
  segments: {
    exact_name: cmp('=', name, txt(NASTY)),
    contains_pct: { kind: 'textMatch', type: 'bool', op: 'contains', subject: name, pattern: txt('%_') },
    starts_obrien: { kind: 'textMatch', type: 'bool', op: 'startsWith', subject: name, pattern: txt(`O'B`) },
    not_listed: { kind: 'in', type: 'bool', negated: true, needle: name, haystack: { kind: 'list', type: 'list', itemType: 'text', items: [NASTY, 'plain'] } },
    last_30_days: cmp('>', window(30), num(0)),
    from_60_to_30: cmp('>', window(60, 30), num(0)),
    never_missing: { kind: 'not', type: 'bool', arg: cmp('>', clv, num(100)) },
  },
  metrics: {
    q: { kind: 'rank', type: 'number', fn: 'quintile', arg: clv, desc: false },
    q_desc: { kind: 'rank', type: 'number', fn: 'quintile', arg: clv, desc: true },
    d: { kind: 'rank', type: 'number', fn: 'decile', arg: clv, desc: false },
    p: { kind: 'rank', type: 'number', fn: 'percentile', arg: clv, desc: false },
    r: { kind: 'rank', type: 'number', fn: 'rank', arg: clv, desc: true },
    n: { kind: 'rank', type: 'number', fn: 'ntile', arg: clv, desc: false, buckets: 3 },
    orders_30: window(30),
  },
});

// predicted_clv values with ties and a missing one.
const CLV: Record<string, number | null> = { c1: 1, c2: 1, c3: 1, c4: 1, c5: 2, c6: 3, c7: 3, c8: 10, c9: null };

/** pandas.qcut's score: 1 + number of linear-interpolation cut points strictly below x. */
function qcut(values: number[], x: number, buckets: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  let below = 0;
  for (let k = 1; k < buckets; k++) {
    const h = ((sorted.length - 1) * k) / buckets;
    const lo = Math.floor(h);
    const cut = sorted[lo]! + (h - lo) * (sorted[Math.ceil(h)]! - sorted[lo]!);
    if (cut < x) below++;
  }
  return 1 + below;
}

const asOf = '2026-03-31T00:00:00Z';

describe.each(testEngines())('$label', (engine) => {
  const run = onEngine(engine, {
    customers: {
      columns: { customer_id: 'text', name: 'text', predicted_clv: 'number' },
      rows: Object.entries(CLV).map(([id, value], i) => ({
        customer_id: id,
        predicted_clv: value,
        name: [NASTY, `O'Brien`, 'a%_b', 'plain', `${NASTY}!`, null, 'x', 'y', 'z'][i],
      })),
    },
    orders: {
      columns: { order_id: 'text', customer_id: 'text', total: 'number', placed_at: 'timestamp' },
      rows: [
        { order_id: 'o1', customer_id: 'c1', placed_at: '2026-03-01T00:00:00Z' }, // window start: in
        { order_id: 'o2', customer_id: 'c2', placed_at: '2026-02-28T23:59:59Z' }, // one second before: out
        { order_id: 'o3', customer_id: 'c3', placed_at: '2026-03-31T00:00:00Z' }, // at as-of: never seen
        { order_id: 'o4', customer_id: 'c4', placed_at: '2026-03-30T23:59:59Z' }, // last second: in
        { order_id: 'o5', customer_id: 'c5', placed_at: '2026-03-01T11:00:00+11:00' }, // = start, with an offset: in
        { order_id: 'o6', customer_id: 'c6', placed_at: '2026-01-30T00:00:00Z' }, // 60 days before: in [60, 30)
        { order_id: 'o7', customer_id: 'c7', placed_at: '2026-03-01T00:00:00Z' }, // 30 days before: out of [60, 30)
      ],
    },
  });

  it('binds text literals: quotes, semicolons, comments, backslashes and non-ASCII select exactly their rows', async () => {
    expect(await run.members(ws, 'exact_name', asOf)).toEqual(['c1']);
    expect(await run.members(ws, 'contains_pct', asOf)).toEqual(['c1', 'c3', 'c5']);
    expect(await run.members(ws, 'starts_obrien', asOf)).toEqual(['c1', 'c2', 'c5']);
    // A missing name is neither in nor not in a list.
    expect(await run.members(ws, 'not_listed', asOf)).toEqual(['c2', 'c3', 'c5', 'c7', 'c8', 'c9']);
    expect((await run.db().query('select count(*) as n from customers'))[0]).toEqual({ n: 9 });
  });

  it('includes a window start and excludes its end and the as-of time, to the second', async () => {
    expect(await run.members(ws, 'last_30_days', asOf)).toEqual(['c1', 'c4', 'c5', 'c7']);
    expect(await run.members(ws, 'from_60_to_30', asOf)).toEqual(['c2', 'c6']);
    expect(await run.count(ws, 'last_30_days', asOf)).toEqual({ count: 4, audience: 9 });
    // An earlier as-of sees less: at 2026-03-01T00:00:00Z the orders at that instant are not yet seen.
    expect(await run.members(ws, 'last_30_days', '2026-03-01T00:00:00Z')).toEqual(['c2', 'c6']);
    const counts = await run.metric(ws, 'orders_30', asOf);
    expect(counts).toMatchObject({ c1: 1, c2: 0, c3: 0, c9: 0 });
  });

  it('treats not(comparison with missing) as true', async () => {
    // c9 has no predicted_clv: `predicted_clv > 100` is false, so its negation holds.
    expect(await run.members(ws, 'never_missing', asOf)).toContain('c9');
  });

  it('scores quintiles, deciles and percentiles like pandas qcut, ties sharing a score', async () => {
    const present = Object.values(CLV).filter((v): v is number => v !== null);
    for (const [metric, buckets, desc] of [['q', 5, false], ['q_desc', 5, true], ['d', 10, false], ['p', 100, false]] as const) {
      const values = await run.metric(ws, metric, asOf);
      const expected = Object.fromEntries(
        Object.entries(CLV).map(([id, v]) => [id, v === null ? null : desc ? buckets + 1 - qcut(present, v, buckets) : qcut(present, v, buckets)]),
      );
      expect(values, metric).toEqual(expected);
    }
    expect(await run.metric(ws, 'q', asOf)).toMatchObject({ c1: 1, c4: 1, c5: 3, c6: 4, c7: 4, c8: 5, c9: null });
  });

  it('ranks with SQL RANK (desc: 1 = largest) and NTILE with the key as tie-breaker', async () => {
    expect(await run.metric(ws, 'r', asOf)).toEqual({ c1: 5, c2: 5, c3: 5, c4: 5, c5: 4, c6: 2, c7: 2, c8: 1, c9: null });
    expect(await run.metric(ws, 'n', asOf)).toEqual({ c1: 1, c2: 1, c3: 1, c4: 2, c5: 2, c6: 2, c7: 3, c8: 3, c9: null });
  });
});
