import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkWorkspace } from '../../src/check/check-workspace';
import { referencesTo, symbolAt } from '../../src/check/symbol-index';
import type { IrExpr } from '../../src/model/ir';
import { summary } from './support';

const FIXTURE = join(__dirname, '..', 'fixtures', 'retail');

function retailFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(FIXTURE).sort()) {
    if (name.endsWith('.seg')) files[name] = readFileSync(join(FIXTURE, name), 'utf8');
  }
  return files;
}

const files = retailFiles();
const result = checkWorkspace({ files, config: { timezone: 'Australia/Sydney' } });
const workspace = result.workspace!;

/** Every node of an IR tree, depth first. */
function nodes(ir: IrExpr): IrExpr[] {
  const out: IrExpr[] = [ir];
  for (const value of Object.values(ir)) {
    const children = Array.isArray(value) ? value : [value];
    for (const child of children) {
      if (child && typeof child === 'object' && 'kind' in child && 'type' in child) out.push(...nodes(child as IrExpr));
    }
  }
  return out;
}

describe('the retail example workspace', () => {
  it('checks with no errors and no warnings', () => {
    expect(summary(result)).toEqual([]);
    expect(result.workspace).toBeDefined();
  });

  it('builds the data model: keys, times, links, audience paths and time sources', () => {
    const { model } = workspace;
    expect(model.audience).toBe('customers');
    expect(model.tables.customers!.audiencePath).toEqual([]);
    expect(model.tables.customers!.fields.customer_id).toMatchObject({ type: 'text', column: 'customer_id' });
    expect(model.tables.orders!.fields.placed_at!.type).toBe('timestamp');
    expect(model.tables.orders!.fields.customer).toMatchObject({ column: 'customer_id', type: 'text', link: { target: 'customers' } });
    expect(model.tables.orders!.fields.channel!.values).toEqual(['web', 'store', 'app']);
    expect(model.tables.order_lines!.audiencePath).toEqual(['order', 'customer']);
    expect(model.tables.order_lines!.timeSource).toEqual({ path: ['order'], field: 'placed_at' });
    expect(model.tables.orders!.timeSource).toEqual({ path: [], field: 'placed_at' });
    // Lookup tables: reached only through links or used by an offer family.
    expect(model.tables.products!.audiencePath).toBeUndefined();
    expect(model.tables.products!.timeSource).toBeUndefined();
    expect(model.tables.coupon_catalog!.audiencePath).toBeUndefined();
    expect(model.tables.contacts).toMatchObject({ builtin: true, time: 'at', audiencePath: ['customer'], timeSource: { path: [], field: 'at' } });
    expect(model.tables.contacts!.fields.customer).toMatchObject({ column: 'customer_key', link: { target: 'customers' } });
  });

  it('lowers spend_12m to a sum of orders.total over the last 12 calendar months', () => {
    const metric = workspace.metrics.spend_12m!;
    expect(metric.type).toBe('number');
    expect(metric.label).toBe('Spend, last 12 months');
    expect(metric.expr).toEqual({
      kind: 'aggregate',
      type: 'number',
      fn: 'sum',
      source: 'orders',
      field: { path: [], field: 'total', type: 'number' },
      window: { start: { kind: 'relative', anchor: 'asOf', amount: 12, unit: 'month' } },
    });
  });

  it('lowers rankings and scalar functions', () => {
    expect(workspace.metrics.r_score!.expr).toEqual({
      kind: 'rank',
      type: 'number',
      fn: 'quintile',
      arg: { kind: 'metric', type: 'number', name: 'recency_days' },
      desc: true,
      buckets: 5,
    });
    expect(workspace.metrics.recency_days!.expr).toMatchObject({
      kind: 'call',
      fn: 'days_since',
      args: [{ kind: 'aggregate', fn: 'last', type: 'timestamp', field: { field: 'placed_at', path: [] } }],
    });
  });

  it('keeps segments independent unless they use each other', () => {
    const dormant = nodes(workspace.segments.dormant!.condition);
    expect(dormant.some((n) => n.kind === 'segment' || n.kind === 'metric')).toBe(false);
    expect(dormant).toContainEqual({
      kind: 'time',
      type: 'timestamp',
      point: { kind: 'relative', anchor: 'asOf', amount: 180, unit: 'day' },
    });
    const declining = nodes(workspace.segments.declining!.condition);
    expect(declining).toContainEqual({ kind: 'segment', type: 'bool', name: 'dormant' });
    const window = declining.find((n) => n.kind === 'aggregate' && n.window?.end)!;
    expect(window).toMatchObject({
      window: {
        start: { kind: 'relative', anchor: 'asOf', amount: 180, unit: 'day' },
        end: { kind: 'relative', anchor: 'asOf', amount: 90, unit: 'day' },
      },
    });
  });

  it('orders evaluation so each metric and segment comes after what it uses', () => {
    const order = workspace.evaluationOrder.map((e) => e.name);
    const before = (a: string, b: string) => expect(order.indexOf(a)).toBeLessThan(order.indexOf(b));
    before('recency_days', 'r_score');
    before('orders_12m', 'f_score');
    before('orders_12m', 'store_share');
    before('store_share', 'store_shoppers');
    before('r_score', 'champions');
    before('dormant', 'declining');
    before('unsubscribed', 'sydney_outdoor_invitees');
    expect(new Set(order).size).toBe(order.length);
    expect(order.length).toBe(Object.keys(workspace.metrics).length + Object.keys(workspace.segments).length);
  });

  it('inlines constants, lists and maps', () => {
    const highValue = nodes(workspace.segments.high_value!.condition);
    expect(highValue).toContainEqual({ kind: 'literal', type: 'number', value: 1000 });
    const invitees = nodes(workspace.segments.sydney_outdoor_invitees!.condition);
    expect(invitees).toContainEqual({ kind: 'list', type: 'list', itemType: 'text', items: ['Outdoor', 'Camping', 'Sports'] });
    const coupons = nodes(workspace.offers.category_coupons!.eligible);
    const lookup = coupons.find((n) => n.kind === 'mapLookup');
    expect(lookup).toMatchObject({
      map: 'adjacent_categories',
      itemType: 'text',
      key: { kind: 'field', scope: 'offer', table: 'coupon_catalog', path: [], field: 'category' },
    });
    expect(lookup && lookup.kind === 'mapLookup' && lookup.entries).toContainEqual({ key: 'Toys', values: ['Baby'] });
    expect(nodes(workspace.segments.baby_households!.condition)).toContainEqual({
      kind: 'field',
      type: 'text',
      scope: 'event',
      table: 'order_lines',
      path: ['product'],
      field: 'category',
    });
  });

  it('lowers strategies with their rules in order and every outcome', () => {
    const strategy = workspace.strategies.value_map!;
    expect(strategy.primary.map((r) => r.outcome)).toEqual(['reactivate', 'onboard', 'retain', 'cross_sell', 'retain', 'grow']);
    expect(strategy.primary.at(-1)!.condition).toBeUndefined();
    expect(strategy.secondary.map((r) => r.outcome)).toEqual(['cross_sell', 'cross_sell', 'migrate', 'retain']);
    expect(strategy.outcomes).toEqual(['reactivate', 'onboard', 'retain', 'cross_sell', 'grow', 'migrate']);
  });

  it('lowers offers and families with their defaults', () => {
    const wipes = workspace.offers.baby_wipes_20!;
    expect(wipes).toMatchObject({ channels: ['email', 'app'], strategy: 'cross_sell', validFrom: '2026-11-01', validTo: '2026-12-31' });
    expect(wipes.value).toEqual({ kind: 'literal', type: 'number', value: 3.5 });
    expect(wipes.cap).toEqual({ kind: 'literal', type: 'number', value: 5000 });
    const coupons = workspace.offers.category_coupons!;
    expect(coupons.family).toEqual({ source: 'coupon_catalog', key: 'coupon_id' });
    expect(coupons.category).toEqual({ kind: 'field', type: 'text', scope: 'offer', table: 'coupon_catalog', path: [], field: 'category' });
    expect(workspace.offers.winback_15!.cap).toBeUndefined();
  });

  it('lowers plans: offers all in name order, ranking, boosts, limits, holdout, schedule, output', () => {
    const weekly = workspace.plans.weekly_email!;
    expect(weekly.offers).toEqual(['app_download', 'baby_wipes_20', 'card_insurance', 'category_coupons', 'welcome_10', 'winback_15']);
    expect(weekly.rankBy).toEqual({
      kind: 'arith',
      type: 'number',
      op: '*',
      left: { kind: 'offerProp', type: 'number', name: 'score' },
      right: { kind: 'offerProp', type: 'number', name: 'value' },
    });
    expect(weekly.boosts).toEqual([
      {
        factor: 1.5,
        condition: {
          kind: 'compare',
          type: 'bool',
          op: '=',
          left: { kind: 'offerProp', type: 'outcome', name: 'strategy' },
          right: { kind: 'strategyOf', type: 'outcome', which: 'primary' },
        },
      },
      {
        factor: 1.2,
        condition: {
          kind: 'compare',
          type: 'bool',
          op: '=',
          left: { kind: 'offerProp', type: 'outcome', name: 'strategy' },
          right: { kind: 'strategyOf', type: 'outcome', which: 'secondary' },
        },
      },
    ]);
    expect(weekly).toMatchObject({ top: 8, perCategory: 2, holdout: 0.1, strategy: 'value_map', channel: 'email' });
    expect(weekly.schedule).toEqual({ cron: '0 6 * * MON', timezone: 'Australia/Sydney' });
    expect(weekly.output).toEqual({ kind: 'table', table: 'weekly_email_offers', columns: ['spend_12m', 'r_score', 'f_score', 'm_score'] });
    expect(nodes(weekly.suppress!)).toContainEqual({ kind: 'aggregate', type: 'number', fn: 'count', source: 'contacts', window: { start: { kind: 'relative', anchor: 'asOf', amount: 3, unit: 'day' } }, where: expect.anything() });

    const trigger = workspace.plans.winback_trigger!;
    expect(trigger.audience).toEqual({
      kind: 'and',
      type: 'bool',
      args: [
        { kind: 'membershipChange', type: 'bool', change: 'entered', segment: 'dormant' },
        { kind: 'field', type: 'bool', scope: 'audience', table: 'customers', path: [], field: 'email_opt_in' },
      ],
    });
    expect(trigger).toMatchObject({ offers: ['winback_15'], top: 1, holdout: 0.1, rankBy: { kind: 'offerProp', name: 'score' } });
    expect(workspace.plans.store_event_invite!.output).toEqual({ kind: 'csv', path: 'out/store_event_invite.csv', columns: [] });
  });

  it('lowers tests: as-of in the workspace time zone, fixtures and expectations', () => {
    expect(workspace.timezone).toBe('Australia/Sydney');
    const [first, second, third] = workspace.tests;
    expect(first!.asOf).toBe('2026-11-21T13:00:00.000Z');
    expect(first!.fixtures[1]).toMatchObject({ table: 'orders', values: { order_id: 'o1', customer: 'c1', placed_at: '2026-03-01', channel: 'web', total: 450 } });
    expect(first!.expectations.map((e) => e.kind)).toEqual(['membership', 'membership', 'strategy', 'planOffers']);
    expect(first!.expectations[1]).toMatchObject({ key: 'c1', negated: true, target: 'active', targetKind: 'segment' });
    expect(first!.expectations[2]).toMatchObject({ strategy: 'value_map', primary: 'reactivate', secondary: 'retain', negated: false });
    expect(second!.expectations[3]).toMatchObject({ kind: 'planOffers', plan: 'weekly_email', op: 'excludes', offers: ['baby_wipes_20'] });
    expect(third!.expectations[2]).toMatchObject({ kind: 'planOffers', op: 'isEmpty', offers: [] });
  });

  it('hashes the sources', () => {
    expect(workspace.sourceHash).toMatch(/^[0-9a-f]{64}$/);
    const again = checkWorkspace({ files: { ...files } });
    expect(again.workspace!.sourceHash).toBe(workspace.sourceHash);
  });

  it('indexes declarations and references for the editor', () => {
    const { symbols } = result;
    const spend = symbols.declarations.find((d) => d.id === 'metric:spend_12m')!;
    expect(spend).toMatchObject({ kind: 'metric', file: 'segments.seg', label: 'Spend, last 12 months' });
    expect(files['segments.seg']!.slice(spend.nameSpan.start, spend.nameSpan.end)).toBe('spend_12m');
    const refs = referencesTo(symbols, 'metric:spend_12m');
    expect(refs.map((r) => r.file).sort()).toEqual(['plans.seg', 'segments.seg', 'segments.seg']);
    for (const ref of refs) expect(files[ref.file]!.slice(ref.span.start, ref.span.end)).toBe('spend_12m');

    // Two sums in `declining`, one in `spend_12m`, and three fixture rows.
    const total = referencesTo(symbols, 'field:orders.total');
    expect(total.map((r) => r.file)).toEqual(['segments.seg', 'segments.seg', 'segments.seg', 'tests.seg', 'tests.seg', 'tests.seg']);
    const category = referencesTo(symbols, 'field:products.category');
    expect(category.length).toBeGreaterThanOrEqual(4);
    const doc = symbols.declarations.find((d) => d.id === 'field:customers.predicted_clv')!;
    expect(doc.detail).toBe('number');

    const plans = files['plans.seg']!;
    const at = plans.indexOf('winback_15');
    expect(symbolAt(symbols, 'plans.seg', at + 3)).toMatchObject({ id: 'offer:winback_15' });
    expect(referencesTo(symbols, 'outcome:cross_sell').length).toBeGreaterThanOrEqual(4);
    expect(referencesTo(symbols, 'table:orders').length).toBeGreaterThan(5);
  });
});
