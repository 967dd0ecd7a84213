import { describe, expect, it } from 'vitest';
import type { IrExpr, OfferDef } from '@seg/core';
import { compilePlan } from '../src/index';
import { ORIGIN, and, audienceField, cmp, count, eventField, lastWindow, num, txt, workspace } from './support/ir';
import { testEngines } from '../../runtime/test/support/engines';
import { loadTables } from './support/load';
import { runPlan } from './support/run-plan';

const lastOrder: IrExpr = { kind: 'aggregate', type: 'timestamp', fn: 'last', source: 'orders', field: { path: [], field: 'placed_at', type: 'timestamp' } };
const category = eventField('order_lines', ['product'], 'category', 'text');
const offerBase = { origin: ORIGIN, channels: ['email'], eligible: { kind: 'literal', type: 'bool', value: true } as IrExpr, score: num(1), value: num(1) };
const offers: Record<string, OfferDef> = {
  winback: { ...offerBase, name: 'winback', category: txt('Fashion'), strategy: 'reactivate', eligible: { kind: 'segment', type: 'bool', name: 'dormant' }, score: num(0.2), value: num(12) },
  baby_offer: {
    ...offerBase,
    name: 'baby_offer',
    category: txt('Baby'),
    strategy: 'cross_sell',
    validFrom: '2026-11-01',
    validTo: '2026-12-31',
    eligible: { kind: 'segment', type: 'bool', name: 'baby' },
    score: { kind: 'arith', type: 'number', op: '+', left: num(0.4), right: { kind: 'arith', type: 'number', op: '/', left: count('order_lines', lastWindow(365), cmp('=', category, txt('Baby'))), right: num(10) } },
    value: num(3.5),
    cap: num(1),
  },
  sms_only: { ...offerBase, name: 'sms_only', channels: ['sms'] },
  coupons: {
    ...offerBase,
    name: 'coupons',
    family: { source: 'coupon_catalog', key: 'coupon_id' },
    category: { kind: 'field', type: 'text', scope: 'offer', table: 'coupon_catalog', path: [], field: 'category' },
    strategy: 'cross_sell',
    eligible: {
      kind: 'aggregate',
      type: 'bool',
      fn: 'any',
      source: 'order_lines',
      window: lastWindow(90),
      where: {
        kind: 'in',
        type: 'bool',
        negated: false,
        needle: category,
        haystack: {
          kind: 'mapLookup',
          type: 'list',
          map: 'adjacent',
          itemType: 'text',
          entries: [
            { key: 'Baby', values: ['Toys'] },
            { key: 'Toys', values: ['Baby'] },
          ],
          key: { kind: 'field', type: 'text', scope: 'offer', table: 'coupon_catalog', path: [], field: 'category' },
        },
      },
    },
    score: { kind: 'field', type: 'number', scope: 'offer', table: 'coupon_catalog', path: [], field: 'base_score' },
    cap: { kind: 'field', type: 'number', scope: 'offer', table: 'coupon_catalog', path: [], field: 'max_redemptions' },
  },
};

const ws = workspace({
  segments: {
    dormant: and(cmp('>', count('orders'), num(0)), cmp('<', lastOrder, { kind: 'time', type: 'timestamp', point: { kind: 'relative', anchor: 'asOf', amount: 180, unit: 'day' } })),
    baby: { kind: 'aggregate', type: 'bool', fn: 'any', source: 'order_lines', window: lastWindow(180), where: cmp('=', category, txt('Baby')) },
  },
  metrics: { spend: { kind: 'aggregate', type: 'number', fn: 'sum', source: 'orders', field: { path: [], field: 'total', type: 'number' } } },
  strategies: {
    vm: {
      name: 'vm',
      origin: ORIGIN,
      primary: [
        { condition: { kind: 'segment', type: 'bool', name: 'dormant' }, outcome: 'reactivate', origin: ORIGIN },
        { outcome: 'grow', origin: ORIGIN },
      ],
      secondary: [
        { condition: { kind: 'segment', type: 'bool', name: 'baby' }, outcome: 'cross_sell', origin: ORIGIN },
        { outcome: 'retain', origin: ORIGIN },
      ],
      outcomes: ['reactivate', 'grow', 'cross_sell', 'retain'],
    },
  },
  offers,
  plans: {
    weekly: {
      name: 'weekly',
      origin: ORIGIN,
      audience: audienceField('email_opt_in', 'bool'),
      channel: 'email',
      offers: ['baby_offer', 'coupons', 'sms_only', 'winback'],
      strategy: 'vm',
      rankBy: { kind: 'arith', type: 'number', op: '*', left: { kind: 'offerProp', type: 'number', name: 'score' }, right: { kind: 'offerProp', type: 'number', name: 'value' } },
      boosts: [{ factor: 1.5, condition: cmp('=', { kind: 'offerProp', type: 'outcome', name: 'strategy' }, { kind: 'strategyOf', type: 'outcome', which: 'primary' }) }],
      top: 2,
      perCategory: 1,
      suppress: cmp('>', count('contacts', lastWindow(3), cmp('=', eventField('contacts', [], 'channel', 'text'), txt('email'))), num(0)),
      holdout: 0,
      output: { kind: 'table', table: 'weekly_out', columns: ['spend'] },
    },
  },
});

describe.each(testEngines())('$label', (engine) => {
  it('runs a plan', async () => {
    const db = await engine.open();
    try {
      await loadTables(db, {
        customers: { columns: { customer_id: 'text', email_opt_in: 'bool' }, rows: [
          { customer_id: 'c1', email_opt_in: true }, { customer_id: 'c2', email_opt_in: true }, { customer_id: 'c3', email_opt_in: true }, { customer_id: 'c4', email_opt_in: false }, { customer_id: 'c5', email_opt_in: true },
        ] },
        orders: { columns: { order_id: 'text', customer_id: 'text', total: 'number', placed_at: 'timestamp', channel: 'text' }, rows: [
          { order_id: 'o1', customer_id: 'c1', total: 10, placed_at: '2026-01-01T00:00:00Z' },
          { order_id: 'o2', customer_id: 'c2', total: 20, placed_at: '2026-11-01T00:00:00Z' },
          { order_id: 'o3', customer_id: 'c3', total: 30, placed_at: '2026-11-02T00:00:00Z' },
          { order_id: 'o5', customer_id: 'c5', total: 30, placed_at: '2026-11-02T00:00:00Z' },
        ] },
        order_lines: { columns: { order_id: 'text', sku: 'text', quantity: 'number' }, rows: [{ order_id: 'o2', sku: 'B1', quantity: 1 }, { order_id: 'o3', sku: 'B1', quantity: 1 }, { order_id: 'o3', sku: 'T1', quantity: 1 }, { order_id: 'o5', sku: 'B1', quantity: 1 }] },
        products: { columns: { sku: 'text', category: 'text' }, rows: [{ sku: 'B1', category: 'Baby' }, { sku: 'T1', category: 'Toys' }] },
        coupon_catalog: { columns: { coupon_id: 'text', category: 'text', base_score: 'number', max_redemptions: 'number' }, rows: [
          { coupon_id: 'T', category: 'Toys', base_score: 5, max_redemptions: 10 },
          { coupon_id: 'B', category: 'Baby', base_score: 4, max_redemptions: null },
        ] },
        contacts: { columns: { plan: 'text', offer: 'text', channel: 'text', category: 'text', at: 'timestamp', customer_key: 'text' }, rows: [
          { plan: 'weekly', offer: 'x', channel: 'email', category: 'Baby', at: '2026-11-21T00:00:00Z', customer_key: 'c5' },
        ] },
      });
      const plan = compilePlan(ws, 'weekly', db.dialect);
      const run = await runPlan(db, plan, { asOf: new Date('2026-11-22T00:00:00Z'), timeZone: 'UTC' });
      expect(run.audience).toEqual(['c1', 'c2', 'c3', 'c5']);
      expect(run.assignments.map((a) => [a.customerKey, a.offer, a.rank])).toEqual([
        ['c1', 'winback', 1],
        ['c2', 'coupons:T', 1],
        ['c2', 'baby_offer', 2],
        ['c3', 'coupons:T', 1],
        ['c3', 'coupons:B', 2],
      ]);
      // c5 was emailed yesterday (suppressed); c4 did not opt in; sms_only is not on the email channel.
      expect(run.candidates.map((c) => `${c.customer_key} ${c.offer} ${Number(c.score).toFixed(2)}`)).toEqual([
        'c1 winback 3.60',
        'c2 baby_offer 1.75',
        'c2 coupons:T 5.00',
        'c3 baby_offer 1.75',
        'c3 coupons:B 4.00',
        'c3 coupons:T 5.00',
      ]);
      expect(plan.offers.find((o) => o.name === 'sms_only')?.onChannel).toBe(false);
      expect(run.output.map((r) => [r.customer_key, r.strategy, r.secondary_strategy, Number(r.spend)])).toEqual([
        ['c1', 'reactivate', 'retain', 10],
        ['c2', 'grow', 'cross_sell', 20],
        ['c3', 'grow', 'cross_sell', 30],
        ['c5', 'grow', 'cross_sell', 30],
      ]);
      // Without the cap, the SQL cut-off would also give c3 nothing more than its top two in distinct categories.
      expect(run.uncapped.map((r) => `${r.customer_key} ${r.offer} ${Number(r.rank)}`)).toEqual([
        'c1 winback 1',
        'c2 coupons:T 1',
        'c2 baby_offer 2',
        'c3 coupons:T 1',
        'c3 coupons:B 2',
      ]);
    } finally {
      await db.close();
    }
  });
});
