import { it } from 'vitest';
import BetterSqlite3 from '../../runtime/node_modules/better-sqlite3';
import { compileCount, bindParameters } from '../src/index';
import { workspace, count, cmp, num, and, ago, lastWindow } from './support/ir';

it('bench', async () => {
  const db = new BetterSqlite3(':memory:');
  db.exec(`create table customers (customer_id text primary key, email_opt_in integer, predicted_clv real);
           create table orders (order_id text primary key, customer_id text, total real, placed_at text, channel text);`);
  const insC = db.prepare('insert into customers values (?, ?, ?)');
  const insO = db.prepare('insert into orders values (?, ?, ?, ?, ?)');
  let seed = 1;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  db.transaction(() => {
    let o = 0;
    for (let i = 0; i < 200000; i++) {
      insC.run(`c${i}`, rnd() < 0.7 ? 1 : 0, rnd() * 1000);
      const n = Math.floor(rnd() * 10);
      for (let j = 0; j < n; j++) {
        const t = Date.UTC(2024, 0, 1) + rnd() * 3 * 365 * 86400000;
        insO.run(`o${o++}`, `c${i}`, rnd() * 200, new Date(t).toISOString(), 'web');
      }
    }
  })();
  db.exec('create index orders_customer on orders(customer_id)');
  const lastOrder = { kind: 'aggregate', type: 'timestamp', fn: 'last', source: 'orders', field: { path: [], field: 'placed_at', type: 'timestamp' } } as any;
  const ws = workspace({ segments: {
    dormant: and(cmp('>', count('orders'), num(0)), cmp('<', lastOrder, { kind: 'time', type: 'timestamp', point: ago(180) })),
    active: cmp('>', count('orders', lastWindow(90)), num(0)),
  } });
  const ctx = { asOf: new Date('2026-11-22T00:00:00Z'), timeZone: 'UTC' };
  const time = (label: string, f: () => unknown) => { f(); const t0 = performance.now(); let r; for (let i = 0; i < 3; i++) r = f(); console.log(label, ((performance.now() - t0) / 3).toFixed(0), 'ms', JSON.stringify(r)); };
  for (const name of ['dormant', 'active']) {
    const q = compileCount(ws, name, 'sqlite');
    const st = db.prepare(q.sql); const params = bindParameters(q.parameters, ctx);
    time(`seg ${name}`, () => st.get(...params));
  }
  const asOf = '2026-11-22T00:00:00.000Z', d180 = new Date(Date.parse(asOf) - 180 * 86400000).toISOString(), d90 = new Date(Date.parse(asOf) - 90 * 86400000).toISOString();
  for (const name of ['dormant']) {
    const q = compileCount(ws, name, 'sqlite');
    const params = bindParameters(q.parameters, ctx);
    const norm = `(case when typeof("orders"."placed_at") = 'text' then unixepoch("orders"."placed_at") else "orders"."placed_at" end)`;
    const v2 = q.sql.split(norm).join(`unixepoch("orders"."placed_at", 'auto')`);
    const st2 = db.prepare(v2); time('auto', () => st2.get(...params));
    const v3 = q.sql.split(norm).join(`unixepoch("orders"."placed_at")`);
    const st3 = db.prepare(v3); time('unixepoch', () => st3.get(...params));
    const v4 = q.sql.split(norm).join(`"orders"."placed_at"`);
    const st4 = db.prepare(v4); time('raw', () => st4.get(...params.map((p) => typeof p === 'number' && p > 1e9 ? new Date(p * 1000).toISOString() : p)));
    const pass = db.prepare(`select count(*) from (select customer_id, count(*), max(${norm}) from orders where ${norm} < ? group by customer_id)`);
    time('pass only', () => pass.get(params[0]));
    const passraw = db.prepare(`select count(*) from (select customer_id, count(*), max(placed_at) from orders where placed_at < ? group by customer_id)`);
    time('pass raw', () => passraw.get(asOf));
    const seg = (await import('../src/index')).compileSegment(ws, name, 'sqlite');
    const segParams = bindParameters(seg.parameters, ctx);
    const body = seg.sql.replace(/select "customers"."customer_id" as "key"/, 'select count(*) as count').replace(/order by "key"$/, '');
    const v5 = db.prepare(body); time('where form', () => v5.get(...segParams));
    console.log(db.prepare('explain query plan ' + body).all(...segParams).map((r: any) => r.detail));
    const v6 = db.prepare(body.split(norm).join(`unixepoch("orders"."placed_at")`)); time('where form unixepoch', () => v6.get(...segParams));
    const v7 = db.prepare(`select count(*) from customers where exists (select 1 from orders where orders.customer_id = customers.customer_id and ${norm} < ?)`); time('exists norm', () => v7.get(params[0]));
    const aud = db.prepare('select count(*) from customers'); time('audience', () => aud.get());
  }
  const h1 = db.prepare(`select count(*) from customers c join (select customer_id, max(placed_at) m from orders where placed_at < ? group by customer_id) o on o.customer_id = c.customer_id where o.m < ?`);
  time('hand dormant', () => h1.get(asOf, d180));
  const h2 = db.prepare(`select count(*) from customers c where exists (select 1 from orders o where o.customer_id = c.customer_id and o.placed_at >= ? and o.placed_at < ?)`);
  time('hand active', () => h2.get(d90, asOf));
  const h3 = db.prepare(`select count(*) from customers c join (select customer_id, count(*) n from orders where placed_at >= ? and placed_at < ? group by customer_id) o on o.customer_id = c.customer_id`);
  time('hand active grouped', () => h3.get(d90, asOf));
});
