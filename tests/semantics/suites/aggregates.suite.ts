/**
 * Aggregates over events with windows and `where`, links through
 * order_lines → orders → customers and order_lines → products, event time inherited
 * through a link, name resolution inside aggregates, and the built-in `contacts`.
 */
import { describe, it } from 'vitest';
import { testEngines } from '../../../packages/runtime/test/support/engines';
import { defineCorpus } from '../../support/semantics';
import { RETAIL_MODEL } from '../corpus/retail-model';

const AS_OF = '2026-03-31';

const corpus = defineCorpus({
  model: `${RETAIL_MODEL}\nlist outdoor = ("Outdoor", "Footwear")\n`,
  data: {
    customers: [
      { customer_id: 'a1', favourite: 'store', note: 'gift', predicted_clv: 60 },
      { customer_id: 'a2', favourite: 'web', predicted_clv: 150 },
      { customer_id: 'a3' },
      { customer_id: 'a4' },
      { customer_id: 'a5' },
    ],
    products: [
      { sku: 'p1', name: 'Baby wipes', category: 'Baby', margin: 0.3 },
      { sku: 'p2', name: 'Tent', category: 'Outdoor', margin: 0.4 },
      { sku: 'p3', name: 'Boots', category: 'Footwear', margin: 0.5 },
      { sku: 'p4', name: 'Teddy', category: 'Toys', margin: 0.2 },
    ],
    orders: [
      { order_id: 'o1', customer: 'a1', placed_at: '2026-01-10', channel: 'store', total: 100, note: 'gift' },
      { order_id: 'o2', customer: 'a1', placed_at: '2026-03-20', channel: 'web', total: 50 },
      { order_id: 'o3', customer: 'a1', placed_at: '2026-03-25', channel: 'store', total: 30, note: 'gift' },
      { order_id: 'o4', customer: 'a2', placed_at: '2025-12-01', channel: 'web', total: 200 },
      { order_id: 'o5', customer: 'a2', placed_at: '2026-03-30', channel: 'app', total: 10 },
      { order_id: 'o6', customer: 'a3', placed_at: '2026-04-02', channel: 'store', total: 500 }, // future
      { order_id: 'o7', customer: 'a4', placed_at: '2025-01-15', channel: 'store', total: 40 },
      { order_id: 'o8', customer: 'a5', channel: 'web', total: 5 }, // no time: never seen
    ],
    preferences: [
      { customer: 'a1', topic: 'baby' },
      { customer: 'a1', topic: 'outdoor' },
      { customer: 'a3', topic: 'baby' },
    ],
    order_lines: [
      { order: 'o1', product: 'p1', quantity: 2, price: 10 },
      { order: 'o1', product: 'p2', quantity: 1, price: 80 },
      { order: 'o2', product: 'p3', quantity: 1, price: 50 },
      { order: 'o3', product: 'p1', quantity: 3, price: 10 },
      { order: 'o4', product: 'p2', quantity: 2, price: 100 },
      { order: 'o5', product: 'p4', quantity: 1, price: 10 },
      { order: 'o6', product: 'p1', quantity: 5, price: 10 }, // its order is in the future
      { order: 'o7', product: 'p9', quantity: 1, price: 40 }, // unknown product
      { order: 'o7', product: 'p3', quantity: 1, price: 0 },
    ],
    email_events: [
      { event_id: 'e1', customer: 'a1', occurred_at: '2026-03-01', kind: 'open' },
      { event_id: 'e2', customer: 'a1', occurred_at: '2026-03-15', kind: 'click' },
      { event_id: 'e3', customer: 'a2', occurred_at: '2026-01-01', kind: 'open' },
      { event_id: 'e4', customer: 'a2', occurred_at: '2026-03-30', kind: 'open' },
    ],
    contacts: [
      { plan: 'weekly', offer: 'x', channel: 'email', customer: 'a1', at: '2026-03-29T06:00:00Z' },
      { plan: 'weekly', offer: 'y', channel: 'sms', customer: 'a1', at: '2026-03-30T06:00:00Z' },
      { plan: 'weekly', offer: 'x', channel: 'email', customer: 'a2', at: '2026-03-20T06:00:00Z' },
    ],
  },
});

describe.each(testEngines())('aggregates on $label', (engine) => {
  const run = corpus.on(engine);

  it('count with where', async () => {
    await run.metric('count(orders where channel = "store")', AS_OF, { a1: 2, a2: 0, a3: 0, a4: 1, a5: 0 });
  });

  it('sum with a window and where', async () => {
    await run.metric('sum(orders.total in last 90 days where channel in ("web", "app"))', AS_OF, { a1: 50, a2: 10, a4: 0 });
    await run.metric('sum(orders.total from 2026-01-01 to 2026-03-21)', AS_OF, { a1: 150, a2: 0, a4: 0 });
  });

  it('distinct counts distinct values (links by key)', async () => {
    await run.metric('distinct(orders.channel)', AS_OF, { a1: 2, a2: 2, a3: 0, a4: 1 });
    await run.metric('distinct(order_lines.product)', AS_OF, { a1: 3, a2: 2, a4: 2, a5: 0 });
  });

  it('first and last follow event time', async () => {
    await run.metric('first(orders.channel)', AS_OF, { a1: 'store', a2: 'web', a3: null, a4: 'store' });
    await run.metric('last(orders.channel)', AS_OF, { a1: 'store', a2: 'app', a3: null });
    await run.segment('last(orders.channel) = "app"', AS_OF, ['a2']);
    await run.metric('min(orders.placed_at)', AS_OF, { a1: '2026-01-10', a3: null });
  });

  it('avg over order lines', async () => {
    await run.metric('avg(order_lines.price)', AS_OF, { a1: 37.5, a2: 55, a4: 20, a5: null });
  });

  it('order_lines reach the customer through their order, and take its time', async () => {
    await run.metric('count(order_lines in last 30 days)', AS_OF, { a1: 2, a2: 1, a3: 0, a4: 0 });
    await run.segment('any(order_lines in last 5 days)', AS_OF, ['a2']);
  });

  it('links navigate inside where: order_lines → products and order_lines → orders', async () => {
    await run.segment('any(order_lines where product.category = "Baby")', AS_OF, ['a1']);
    await run.metric('sum(order_lines.quantity where product.category in outdoor)', AS_OF, { a1: 2, a2: 2, a4: 1, a5: 0 });
    await run.segment('any(order_lines where order.channel = "store")', AS_OF, ['a1', 'a4']);
    await run.metric('count(order_lines where order.total > 60)', AS_OF, { a1: 2, a2: 1, a4: 0 });
    await run.metric('sum(order_lines.price where product.margin >= 0.4)', AS_OF, { a1: 130, a2: 100, a4: 0 });
  });

  it('a link to a row that does not exist gives missing fields', async () => {
    await run.metric('count(order_lines where product.category is missing)', AS_OF, { a1: 0, a4: 1 });
  });

  it('inside an aggregate, bare names are the event’s fields first, then the audience’s', async () => {
    await run.metric('count(orders where note = "gift")', AS_OF, { a1: 2, a2: 0 });
    await run.metric('count(orders where customers.note = "gift")', AS_OF, { a1: 3, a2: 0 });
    await run.metric('count(orders where channel = favourite)', AS_OF, { a1: 2, a2: 1, a4: 0 });
    await run.metric('count(orders where total > predicted_clv)', AS_OF, { a1: 1, a2: 1, a4: 0 });
  });

  it('two windows in one rule (the `declining` pattern)', async () => {
    await run.segment('sum(orders.total in last 90 days) < 0.5 * sum(orders.total from 180 days ago to 90 days ago)', AS_OF, ['a2']);
  });

  it('the key and the time are fields too', async () => {
    await run.metric('count(orders where order_id in ("o1", "o5"))', AS_OF, { a1: 1, a2: 1, a3: 0 });
    await run.metric('count(orders where placed_at < 2026-03-21)', AS_OF, { a1: 2, a2: 1, a4: 1 });
    await run.metric('count(order_lines where order.placed_at >= 2026-03-25)', AS_OF, { a1: 1, a2: 1 });
  });

  it('an event without a time is never seen', async () => {
    await run.metric('count(orders)', AS_OF, { a5: 0 });
    await run.segment('none(orders)', AS_OF, ['a3', 'a5']);
  });

  it('an event table without a time: every row counts', async () => {
    await run.metric('count(preferences)', AS_OF, { a1: 2, a2: 0, a3: 1 });
    await run.segment('any(preferences where topic = "baby")', AS_OF, ['a1', 'a3']);
    await run.metric('distinct(preferences.topic)', AS_OF, { a1: 2, a5: 0 });
  });

  it('other event tables and the built-in contacts', async () => {
    await run.segment('count(email_events in last 60 days where kind in ("open", "click")) >= 2', AS_OF, ['a1']);
    await run.segment('count(contacts in last 3 days where channel = "email") > 0', AS_OF, ['a1']);
    await run.metric('count(contacts in last 3 days)', AS_OF, { a1: 2, a2: 0 });
  });
});
