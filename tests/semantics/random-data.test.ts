/**
 * Property test: on seeded random datasets (a few dozen customers and their orders,
 * order lines, products), every rule template compiled to SQL gives, on every engine,
 * exactly what the reference evaluator gives. A failure names the seed; rerun one
 * seed with SEG_SEED=17.
 */
import { describe, expect, it } from 'vitest';
import { testEngines } from '../../packages/runtime/test/support/engines';
import type { Dataset, Row } from '../reference/evaluator';
import { ReferenceEvaluator } from '../reference/evaluator';
import { parseAsOf } from '../../packages/core/src/model/time-points';
import { bindParameters, compileMembers } from '../../packages/compiler/src/index';
import { checked, expectSameValues, loadData, normaliseSql, sqlMembers, type MetricValue } from '../support/semantics';
import { RETAIL_MODEL } from './corpus/retail-model';
import { seededRandom } from '../../packages/core/test/support/seeded-random';

const SEEDS = process.env.SEG_SEED ? [Number(process.env.SEG_SEED)] : Array.from({ length: 50 }, (_, i) => i + 1);

const RULES = `
list outdoor = ("Outdoor", "Footwear")
map adjacent {
  "Baby"    -> ("Toys")
  "Outdoor" -> ("Footwear", "Baby")
  "AU"      -> ("Outdoor")
}

metric recency     = days_since(last(orders.placed_at))
metric spend_90    = sum(orders.total in last 90 days)
metric orders_12m  = count(orders in last 12 months)
metric avg_online  = avg(orders.total where channel != "store")
metric r_score     = quintile(recency desc)
metric f_score     = quintile(orders_12m)
metric m_score     = quintile(spend_90)
metric clv_decile  = decile(predicted_clv desc)
metric first_channel = first(orders.channel)
metric biggest     = max(orders.total from 1 year ago to 30 days ago)
metric outdoor_qty = sum(order_lines.quantity in last 180 days where product.category in outdoor)
metric channels    = distinct(orders.channel between 2025-06-01 and 2026-02-28)
metric distance    = distance_km(latitude, longitude, -33.87, 151.21)
metric value_mix   = coalesce(avg_online, 0) * 2 + min(orders_12m, 3) - abs(churn_risk)

segment dormant { count(orders) > 0 and last(orders.placed_at) < 180 days ago }
segment declining {
  sum(orders.total in last 90 days) < 0.5 * sum(orders.total from 180 days ago to 90 days ago)
  and not dormant
}
segment champions {
  all of {
    r_score >= 4
    f_score >= 4
    m_score >= 4
  }
}
segment baby { any(order_lines in last 180 days where product.category = "Baby") }
segment cross_sell { any(order_lines in last 365 days where product.category in adjacent[favourite]) }
segment locals { distance_km(latitude, longitude, -33.87, 151.21) <= 50 and predicted_clv >= 500 }
segment mixed {
  any of {
    country in ("AU", "NZ")
    none(orders in last 1 month)
    coalesce(avg_online, 0) > 100
  }
  and not email_opt_in
}
segment newcomers { signup_at in last 30 days or signup_at between 2025-01-01 and 2025-03-31 }
segment texty { name contains "%" or name starts with "a_" or name = "O'Brien" }
segment missing_bits { predicted_clv is missing or not (churn_risk < 0.5) }
segment everyone { true }
segment clv_q3 { quintile(predicted_clv) = 3 }
segment risk_top { decile(churn_risk desc) > 7 }
segment low_spend { percentile(spend_90) <= 30 }
segment not_f1 { f_score != 1 }
segment mix_low { quintile(value_mix) < 3 }
`;

const SEGMENTS = ['dormant', 'declining', 'champions', 'baby', 'cross_sell', 'locals', 'mixed', 'newcomers', 'texty', 'missing_bits',
  // Score comparisons compile to sorted-value thresholds (percentile_disc on SQLite), not to scores.
  'clv_q3', 'risk_top', 'low_spend', 'not_f1', 'mix_low'];
const METRICS = ['recency', 'spend_90', 'avg_online', 'r_score', 'm_score', 'clv_decile', 'first_channel', 'biggest', 'outdoor_qty', 'channels', 'distance', 'value_mix'];

export function generate(seed: number): { data: Dataset; asOf: string } {
  const rnd = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const maybe = <T>(value: T, missing = 0.15): T | null => (rnd() < missing ? null : value);
  const asOfMs = Date.UTC(2026, int(0, 11), int(1, 28));
  const asOf = new Date(asOfMs).toISOString().slice(0, 10);
  const iso = (ms: number) => new Date(ms).toISOString();
  // Event times in every stored form the language accepts (SQLite keeps them as given).
  const anyForm = (ms: number): string | number => {
    const form = rnd();
    if (form < 0.25) return ms / 1000;
    if (form < 0.5) return `${new Date(ms + 10 * 3_600_000).toISOString().slice(0, 19)}+10:00`;
    if (form < 0.6) return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
    return iso(ms);
  };
  const DAY = 86_400_000;

  const products: Row[] = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((sku) => ({
    sku,
    category: maybe(pick(['Baby', 'Toys', 'Outdoor', 'Footwear', 'Home']), 0.1),
  }));
  const customers: Row[] = [];
  const orders: Row[] = [];
  const lines: Row[] = [];
  const usedTimes = new Set<number>();
  const randomTime = () => asOfMs - int(-20, 420) * DAY + int(0, 86_399) * 1000;
  const nCustomers = int(15, 35);
  for (let c = 0; c < nCustomers; c++) {
    const id = `c${c}`;
    const place = pick([[-33.87, 151.21], [-33.7, 151.1], [-37.81, 144.96], [null, null]] as const);
    customers.push({
      customer_id: id,
      name: maybe(pick(['Ann', '100% cotton', 'a_b', 'axb', "O'Brien", 'a%b'])),
      country: maybe(pick(['AU', 'NZ', 'US'])),
      favourite: maybe(pick(['Baby', 'Outdoor', 'AU', 'Home'])),
      latitude: place[0],
      longitude: place[1],
      signup_at: maybe(anyForm(asOfMs - int(-10, 800) * DAY + int(0, 86_399) * 1000)),
      email_opt_in: maybe(rnd() < 0.5),
      predicted_clv: maybe(int(0, 20) * 50),
      churn_risk: maybe(int(0, 10) / 10),
    });
    const nOrders = int(0, 6);
    for (let o = 0; o < nOrders; o++) {
      // Some orders land exactly on the as-of instant or on a window's start; times are unique
      // so first/last are never ambiguous.
      let t = rnd() < 0.08 ? pick([asOfMs, asOfMs - 90 * DAY, asOfMs - 30 * DAY]) : randomTime();
      while (usedTimes.has(t)) t = randomTime();
      usedTimes.add(t);
      const orderId = `${id}o${o}`;
      orders.push({
        order_id: orderId,
        customer: id,
        placed_at: anyForm(t),
        channel: maybe(pick(['web', 'store', 'app']), 0.1),
        total: maybe(int(0, 2000) / 4, 0.1),
      });
      const nLines = int(0, 3);
      for (let l = 0; l < nLines; l++) {
        lines.push({ order: orderId, product: pick(['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p99']), quantity: int(1, 5), price: int(0, 100) / 2 });
      }
    }
  }
  return { data: { customers, orders, order_lines: lines, products }, asOf };
}

const workspace = checked({ 'model.seg': RETAIL_MODEL, 'rules.seg': RULES });

interface Expected {
  readonly data: Dataset;
  readonly asOf: string;
  readonly segments: ReadonlyMap<string, string[]>;
  readonly metrics: ReadonlyMap<string, Map<string, MetricValue>>;
}

/** Each seed's data and the reference evaluator's answers, computed once for all engines. */
const expectations = new Map<number, Expected>();
function expected(seed: number): Expected {
  let e = expectations.get(seed);
  if (!e) {
    const { data, asOf } = generate(seed);
    const reference = new ReferenceEvaluator(workspace, data, parseAsOf(asOf, 'UTC'));
    e = {
      data,
      asOf,
      segments: new Map(SEGMENTS.map((name) => [name, reference.segment(name)])),
      metrics: new Map(METRICS.map((name) => [name, reference.metric(name)])),
    };
    expectations.set(seed, e);
  }
  return e;
}

describe.each(testEngines())('random datasets on $label', (engine) => {
  it(`compiled SQL equals the reference evaluator on ${SEEDS.length} seeds`, async () => {
    const db = await engine.open();
    // Every disagreement, not just the first: a report reads better than a stack of reruns.
    const disagreements: string[] = [];
    const seen = new Map<string, number>();
    const record = (rule: string, seed: number, asOf: string, error: unknown) => {
      const count = (seen.get(rule) ?? 0) + 1;
      seen.set(rule, count);
      if (count <= 2) disagreements.push(`${rule} (seed ${seed}, as of ${asOf}): ${String(error instanceof Error ? error.message : error).slice(0, 600)}`);
    };
    try {
      for (const seed of SEEDS) {
        const { data, asOf, segments, metrics } = expected(seed);
        await loadData(db, workspace, data);
        for (const name of SEGMENTS) {
          try {
            expect(await sqlMembers(db, workspace, name, asOf, 'UTC', false)).toEqual(segments.get(name));
          } catch (error) {
            record(`segment ${name}`, seed, asOf, error);
          }
        }
        // All metrics in one query: every member with one column per metric.
        const query = compileMembers(workspace, 'everyone', engine.name, { with: METRICS });
        const rows = await db.query(query.sql, bindParameters(query.parameters, { asOf: parseAsOf(asOf, 'UTC'), timeZone: 'UTC' }));
        for (const name of METRICS) {
          try {
            const type = workspace.metrics[name]!.type;
            const sql = new Map(rows.map((row) => [String(row.key), normaliseSql(row[name], type, 'UTC')]));
            expectSameValues(sql, metrics.get(name)!, type, name);
          } catch (error) {
            record(`metric ${name}`, seed, asOf, error);
          }
        }
      }
    } finally {
      await db.close();
    }
    const summary = [...seen].map(([rule, n]) => `${rule}: ${n} seed(s)`);
    expect([...summary, ...disagreements]).toEqual([]);
  });
});
