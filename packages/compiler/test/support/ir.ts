/**
 * Hand-built checked IR for compiler tests that need a construct the `.seg`
 * source cannot yet express (or to pin an exact IR shape). Most tests compile
 * from source through `checkWorkspace` instead (see `workspace.ts`).
 */
import type { CheckedWorkspace, FieldDef, IrExpr, ScalarType, TableDef, TimePoint, TimeUnit, TimeWindow } from '@seg/core';

const f = (name: string, type: ScalarType, extra: Partial<FieldDef> = {}): FieldDef => ({ name, column: name, type, ...extra });
const link = (name: string, column: string, target: string): FieldDef => ({ name, column, type: 'text', link: { target } });

export const MODEL_TABLES: Record<string, TableDef> = {
  customers: {
    name: 'customers',
    sqlName: 'customers',
    key: 'customer_id',
    fields: {
      customer_id: f('customer_id', 'text'),
      name: f('name', 'text'),
      email_opt_in: f('email_opt_in', 'bool'),
      predicted_clv: f('predicted_clv', 'number'),
      signup_at: f('signup_at', 'timestamp'),
    },
    audiencePath: [],
  },
  orders: {
    name: 'orders',
    sqlName: 'orders',
    key: 'order_id',
    time: 'placed_at',
    fields: {
      order_id: f('order_id', 'text'),
      customer: link('customer', 'customer_id', 'customers'),
      channel: f('channel', 'text'),
      total: f('total', 'number'),
      placed_at: f('placed_at', 'timestamp'),
    },
    audiencePath: ['customer'],
    timeSource: { path: [], field: 'placed_at' },
  },
  order_lines: {
    name: 'order_lines',
    sqlName: 'order_lines',
    fields: {
      order: link('order', 'order_id', 'orders'),
      product: link('product', 'sku', 'products'),
      quantity: f('quantity', 'number'),
    },
    audiencePath: ['order', 'customer'],
    timeSource: { path: ['order'], field: 'placed_at' },
  },
  products: {
    name: 'products',
    sqlName: 'products',
    key: 'sku',
    fields: { sku: f('sku', 'text'), category: f('category', 'text') },
  },
  coupon_catalog: {
    name: 'coupon_catalog',
    sqlName: 'coupon_catalog',
    key: 'coupon_id',
    fields: {
      coupon_id: f('coupon_id', 'text'),
      category: f('category', 'text'),
      base_score: f('base_score', 'number'),
      max_redemptions: f('max_redemptions', 'number'),
    },
  },
  contacts: {
    name: 'contacts',
    sqlName: 'contacts',
    time: 'at',
    builtin: true,
    fields: {
      plan: f('plan', 'text'),
      offer: f('offer', 'text'),
      channel: f('channel', 'text'),
      category: f('category', 'text'),
      at: f('at', 'timestamp'),
      customer: link('customer', 'customer_key', 'customers'),
    },
    audiencePath: ['customer'],
    timeSource: { path: [], field: 'at' },
  },
};

export const ORIGIN = { file: 'test.seg', span: { start: 0, end: 0 } };
export const ago = (amount: number, unit: TimeUnit = 'day'): TimePoint => ({ kind: 'relative', anchor: 'asOf', amount, unit });
export const lastWindow = (amount: number, unit: TimeUnit = 'day'): TimeWindow => ({ start: ago(amount, unit) });
export const num = (value: number): IrExpr => ({ kind: 'literal', type: 'number', value });
export const txt = (value: string): IrExpr => ({ kind: 'literal', type: 'text', value });
export const audienceField = (field: string, type: ScalarType): IrExpr => ({ kind: 'field', type, scope: 'audience', table: 'customers', path: [], field });
export const eventField = (table: string, path: string[], field: string, type: ScalarType): IrExpr => ({ kind: 'field', type, scope: 'event', table, path, field });
export const cmp = (op: '=' | '!=' | '<' | '<=' | '>' | '>=', left: IrExpr, right: IrExpr): IrExpr => ({ kind: 'compare', type: 'bool', op, left, right });
export const and = (...args: IrExpr[]): IrExpr => ({ kind: 'and', type: 'bool', args });
export const count = (source: string, window?: TimeWindow, where?: IrExpr): IrExpr => ({
  kind: 'aggregate',
  type: 'number',
  fn: 'count',
  source,
  ...(window ? { window } : {}),
  ...(where ? { where } : {}),
});

/** A workspace over MODEL_TABLES with the given metrics and segments (expressions by name). */
export function workspace(parts: {
  metrics?: Record<string, IrExpr>;
  segments?: Record<string, IrExpr>;
  strategies?: CheckedWorkspace['strategies'];
  offers?: CheckedWorkspace['offers'];
  plans?: CheckedWorkspace['plans'];
  timezone?: string;
}): CheckedWorkspace {
  const origin = { file: 'test.seg', span: { start: 0, end: 0 } };
  const metrics = Object.fromEntries(
    Object.entries(parts.metrics ?? {}).map(([name, expr]) => [name, { name, origin, type: expr.type as ScalarType, expr }]),
  );
  const segments = Object.fromEntries(Object.entries(parts.segments ?? {}).map(([name, condition]) => [name, { name, origin, condition }]));
  return {
    model: { audience: 'customers', tables: MODEL_TABLES },
    consts: {},
    metrics,
    segments,
    strategies: parts.strategies ?? {},
    offers: parts.offers ?? {},
    plans: parts.plans ?? {},
    tests: [],
    evaluationOrder: [],
    timezone: parts.timezone ?? 'UTC',
    sourceHash: 'test',
  };
}
