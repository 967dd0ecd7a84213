/**
 * The compiled SQL's exactness on every engine: bound literals that would break
 * a statement if spliced, window ends to the second, and ranking ties.
 */
import { describe, expect, it } from 'vitest';
import { testEngines } from '../../runtime/test/support/engines';
import { compileSegment } from '../src/index';
import { onEngine } from './support/engine-harness';
import { checked } from './support/workspace';

const NASTY = `O'Brien"; drop table customers; -- \\ ü 🎉 %_`;
/** A `.seg` text literal for any string. */
const segText = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

const MODEL = `
audience customers
table customers key customer_id {
  name           text
  predicted_clv  number
}
table orders key order_id time placed_at {
  customer  -> customers on customer_id
  total     number
}
metric q = quintile(predicted_clv)
metric q_desc = quintile(predicted_clv desc)
metric d = decile(predicted_clv)
metric p = percentile(predicted_clv)
metric r = rank(predicted_clv desc)
metric n = ntile(predicted_clv, 3)
metric orders_30 = count(orders in last 30 days)
segment exact_name { name = ${segText(NASTY)} }
segment contains_pct { name contains "%_" }
segment starts_obrien { name starts with "O'B" }
segment not_listed { name not in (${segText(NASTY)}, "plain") }
segment last_30_days { count(orders in last 30 days) > 0 }
segment from_60_to_30 { count(orders from 60 days ago to 30 days ago) > 0 }
segment never_missing { not (predicted_clv > 100) }
`;
const ws = checked({ 'model.seg': MODEL });

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

  it('compares scores with numbers exactly like the scores themselves (sorted-value thresholds)', async () => {
    const present = Object.values(CLV).filter((v): v is number => v !== null);
    const ops = ['>=', '>', '<=', '<', '=', '!='] as const;
    const holds = (s: number, op: (typeof ops)[number], v: number) =>
      op === '>=' ? s >= v : op === '>' ? s > v : op === '<=' ? s <= v : op === '<' ? s < v : op === '=' ? s === v : s !== v;
    const segments: Record<string, string> = {};
    const expected: Record<string, string[]> = {};
    for (const [metric, buckets, desc] of [['q', 5, false], ['q_desc', 5, true], ['d', 10, false]] as const) {
      for (const op of ops) {
        for (const v of [0, 1, 2, 2.5, 4, 5, 6, 11]) {
          const name = `${metric}_${ops.indexOf(op)}_${String(v).replace('.', '_')}`;
          segments[name] = `segment ${name} { ${metric} ${op} ${v} }`;
          expected[name] = Object.entries(CLV)
            .filter(([, x]) => x !== null && holds(desc ? buckets + 1 - qcut(present, x, buckets) : qcut(present, x, buckets), op, v))
            .map(([id]) => id);
        }
      }
    }
    const scored = checked({ 'model.seg': MODEL, 'scores.seg': Object.values(segments).join('\n') });
    for (const name of Object.keys(segments)) expect(await run.members(scored, name, asOf), name).toEqual(expected[name]);
    // The comparison reads one sorted value: no window function in the SQL.
    expect(compileSegment(scored, 'q_0_4', 'sqlite').sql).not.toContain(' over ');
  });

  it('ranks with SQL RANK (desc: 1 = largest) and NTILE with the key as tie-breaker', async () => {
    expect(await run.metric(ws, 'r', asOf)).toEqual({ c1: 5, c2: 5, c3: 5, c4: 5, c5: 4, c6: 2, c7: 2, c8: 1, c9: null });
    expect(await run.metric(ws, 'n', asOf)).toEqual({ c1: 1, c2: 1, c3: 1, c4: 2, c5: 2, c6: 2, c7: 3, c8: 3, c9: null });
  });
});
