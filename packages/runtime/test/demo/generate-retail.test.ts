import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { generateRetail, type RetailCounts } from '../../src/demo/generate-retail';
import { RETAIL_TABLES } from '../../src/demo/retail-schema';
import { testEngines } from '../support/engines';

const AS_OF = '2026-11-22';
const AS_OF_TEXT = '2026-11-22T00:00:00Z';
const [sqliteEngine] = testEngines().filter((e) => e.name === 'sqlite');

/**
 * A hash of every row of every table, independent of engine and row order:
 * each row becomes a JSON line (booleans as 0/1, which is how SQLite returns them),
 * and the lines are sorted in JS (engine collations differ).
 */
async function fingerprint(db: Database): Promise<string> {
  const hash = createHash('sha256');
  for (const table of RETAIL_TABLES) {
    const rows = await db.query(`SELECT * FROM ${table.name}`);
    const lines = rows.map((row) => JSON.stringify(table.columns.map((c) => (typeof row[c.name] === 'boolean' ? Number(row[c.name]) : row[c.name]))));
    lines.sort();
    hash.update(`${table.name}\n${lines.join('\n')}\n`);
  }
  return hash.digest('hex');
}

async function generated(customers: number, seed: number): Promise<{ db: Database; counts: RetailCounts }> {
  const db = await sqliteEngine!.open();
  const counts = await generateRetail(db, { customers, seed, asOf: AS_OF });
  return { db, counts };
}

async function scalar(db: Database, sql: string): Promise<number> {
  const [row] = await db.query<{ v: number }>(sql);
  return Number(row?.v);
}

describe('generateRetail on sqlite', () => {
  let a: { db: Database; counts: RetailCounts };

  beforeAll(async () => {
    a = await generated(2_000, 7);
  });
  afterAll(() => a.db.close());

  it('gives identical rows for the same seed, and different rows for another seed', async () => {
    const again = await generated(2_000, 7);
    const other = await generated(2_000, 8);
    try {
      expect(again.counts).toEqual(a.counts);
      expect(await fingerprint(again.db)).toBe(await fingerprint(a.db));
      expect(await fingerprint(other.db)).not.toBe(await fingerprint(a.db));
    } finally {
      await again.db.close();
      await other.db.close();
    }
  });

  it('gives each customer the same history whatever the number of customers', async () => {
    const smaller = await generated(500, 7);
    try {
      const history = `SELECT o.order_id, o.customer_id, o.placed_at, o.total, count(l.sku) AS lines
        FROM orders o JOIN order_lines l ON l.order_id = o.order_id
        WHERE o.customer_id <= 'C0000500' GROUP BY o.order_id, o.customer_id, o.placed_at, o.total ORDER BY o.order_id`;
      expect(await smaller.db.query(history)).toEqual(await a.db.query(history));
    } finally {
      await smaller.db.close();
    }
  });

  it('fills every table with about ten order lines per customer', () => {
    expect(a.counts.customers).toBe(2_000);
    expect(a.counts.orderLines / a.counts.customers).toBeGreaterThan(6);
    expect(a.counts.orderLines / a.counts.customers).toBeLessThan(15);
    expect(a.counts.orders).toBeGreaterThan(a.counts.customers * 2);
    expect(a.counts.emailEvents).toBeGreaterThan(a.counts.customers);
    expect(a.counts.coupons).toBeGreaterThanOrEqual(60);
    expect(a.counts.coupons).toBeLessThanOrEqual(200);
    expect(a.counts.products).toBeGreaterThan(100);
  });

  it('has lapsed, active and never-buying customers in plausible shares', async () => {
    const lastOrders = `SELECT c.customer_id, max(o.placed_at) AS last_at FROM customers c LEFT JOIN orders o ON o.customer_id = c.customer_id GROUP BY c.customer_id`;
    const share = (condition: string) => scalar(a.db, `SELECT avg(CASE WHEN ${condition} THEN 1.0 ELSE 0 END) AS v FROM (${lastOrders})`);
    // dormant: bought before, nothing for 180 days (2026-05-26)
    const lapsed = await share(`last_at < '2026-05-26T00:00:00Z'`);
    const active = await share(`last_at >= '2026-08-24T00:00:00Z'`);
    const never = await share('last_at IS NULL');
    expect(lapsed).toBeGreaterThan(0.25);
    expect(lapsed).toBeLessThan(0.65);
    expect(active).toBeGreaterThan(0.15);
    expect(active).toBeLessThan(0.5);
    expect(never).toBeGreaterThan(0.02);
    expect(never).toBeLessThan(0.3);
  });

  it('has unsubscribes and complaints, and no email after them', async () => {
    const unsubscribed = await scalar(
      a.db,
      `SELECT count(DISTINCT customer_id) * 1.0 / 2000 AS v FROM email_events WHERE kind IN ('unsubscribe', 'complaint')`,
    );
    expect(unsubscribed).toBeGreaterThan(0.02);
    expect(unsubscribed).toBeLessThan(0.15);
    const after = await scalar(
      a.db,
      `SELECT count(*) AS v FROM email_events e JOIN email_events u ON u.customer_id = e.customer_id
       WHERE u.kind IN ('unsubscribe', 'complaint') AND e.campaign > u.campaign`,
    );
    expect(after).toBe(0);
    const optedIn = await scalar(a.db, 'SELECT avg(email_opt_in) AS v FROM customers');
    expect(optedIn).toBeGreaterThan(0.5);
    expect(optedIn).toBeLessThan(0.9);
  });

  it('keeps every event inside the three years before the as-of', async () => {
    for (const [table, column] of [['orders', 'placed_at'], ['email_events', 'occurred_at'], ['customers', 'signup_at']] as const) {
      const [row] = await a.db.query<{ first: string; last: string }>(`SELECT min(${column}) AS first, max(${column}) AS last FROM ${table}`);
      expect(row!.first >= '2023-11-22T00:00:00.000Z').toBe(true);
      expect(row!.last < '2026-11-22T00:00:00.000Z').toBe(true);
      expect(row!.last > '2026-11-01T00:00:00.000Z').toBe(true);
    }
    // stored as ISO-8601 text in SQLite
    expect(await scalar(a.db, `SELECT count(*) AS v FROM orders WHERE typeof(placed_at) <> 'text' OR placed_at >= '${AS_OF_TEXT}'`)).toBe(0);
  });

  it('links every row and adds up every order', async () => {
    expect(await scalar(a.db, 'SELECT count(*) AS v FROM orders o LEFT JOIN customers c ON c.customer_id = o.customer_id WHERE c.customer_id IS NULL')).toBe(0);
    expect(await scalar(a.db, 'SELECT count(*) AS v FROM order_lines l LEFT JOIN orders o ON o.order_id = l.order_id WHERE o.order_id IS NULL')).toBe(0);
    expect(await scalar(a.db, 'SELECT count(*) AS v FROM order_lines l LEFT JOIN products p ON p.sku = l.sku WHERE p.sku IS NULL')).toBe(0);
    expect(await scalar(a.db, 'SELECT count(*) AS v FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.order_id)')).toBe(0);
    const off = await scalar(
      a.db,
      `SELECT max(abs(o.total - (s.subtotal - o.discount))) AS v
       FROM orders o JOIN (SELECT order_id, sum(quantity * price) AS subtotal FROM order_lines GROUP BY order_id) s ON s.order_id = o.order_id`,
    );
    expect(off).toBeLessThan(0.011);
  });

  it('has heavy-tailed spend, favourite categories and the baby wipes best seller', async () => {
    const spends = (await a.db.query<{ spend: number }>('SELECT sum(total) AS spend FROM orders GROUP BY customer_id ORDER BY spend')).map((r) => r.spend);
    const medianSpend = spends[spends.length >> 1]!;
    const topDecile = spends.slice(Math.floor(spends.length * 0.9)).reduce((s, v) => s + v, 0);
    const all = spends.reduce((s, v) => s + v, 0);
    expect(spends[spends.length - 1]!).toBeGreaterThan(10 * medianSpend);
    expect(topDecile / all).toBeGreaterThan(0.3);
    // Customers concentrate on their favourites: the top category of a regular buyer is well above 1/8 of their lines.
    const concentration = await scalar(
      a.db,
      `WITH per AS (
         SELECT o.customer_id, p.category, count(*) AS n FROM orders o
         JOIN order_lines l ON l.order_id = o.order_id JOIN products p ON p.sku = l.sku GROUP BY o.customer_id, p.category),
       tot AS (SELECT customer_id, max(n) * 1.0 / sum(n) AS top_share, sum(n) AS lines FROM per GROUP BY customer_id)
       SELECT avg(top_share) AS v FROM tot WHERE lines >= 20`,
    );
    expect(concentration).toBeGreaterThan(0.3);
    expect(await scalar(a.db, `SELECT count(*) AS v FROM order_lines l JOIN products p ON p.sku = l.sku WHERE p.name = 'Baby wipes 80 pack'`)).toBeGreaterThan(50);
  });

  it('puts customers near Sydney, in Melbourne and elsewhere, with scores from the data team', async () => {
    const rows = await a.db.query<{ latitude: number | null; longitude: number | null; city: string }>('SELECT latitude, longitude, city FROM customers');
    const nearSydney = rows.filter((r) => r.latitude !== null && r.longitude !== null && haversineKm(r.latitude, r.longitude, -33.87, 151.21) <= 20).length / rows.length;
    const melbourne = rows.filter((r) => r.city === 'Melbourne').length / rows.length;
    expect(nearSydney).toBeGreaterThan(0.12);
    expect(nearSydney).toBeLessThan(0.4);
    expect(melbourne).toBeGreaterThan(0.15);
    expect(melbourne).toBeLessThan(0.4);
    const [scores] = await a.db.query<{ high: number; missing: number; minRisk: number; maxRisk: number }>(
      `SELECT avg(predicted_clv >= 500) AS high, avg(predicted_clv IS NULL) AS missing, min(churn_risk) AS minRisk, max(churn_risk) AS maxRisk FROM customers`,
    );
    expect(scores!.high).toBeGreaterThan(0.05);
    expect(scores!.high).toBeLessThan(0.35);
    expect(scores!.missing).toBeGreaterThan(0);
    expect(scores!.minRisk).toBeGreaterThanOrEqual(0);
    expect(scores!.maxRisk).toBeLessThanOrEqual(1);
  });

  it('refuses to overwrite existing tables unless asked to', async () => {
    await expect(generateRetail(a.db, { customers: 10, seed: 7 })).rejects.toThrow();
    const db = await sqliteEngine!.open();
    try {
      await generateRetail(db, { customers: 10, seed: 7 });
      const counts = await generateRetail(db, { customers: 20, seed: 7, replace: true });
      expect(counts.customers).toBe(20);
      expect(await scalar(db, 'SELECT count(*) AS v FROM customers')).toBe(20);
    } finally {
      await db.close();
    }
  });
});

describe('generateRetail gives the same rows on every engine', () => {
  let expected: string;
  beforeAll(async () => {
    const { db } = await generated(300, 11);
    expected = await fingerprint(db);
    await db.close();
  });

  it.each(testEngines().filter((e) => e.name !== 'sqlite'))('$label', async ({ open }) => {
    const db = await open();
    try {
      const counts = await generateRetail(db, { customers: 300, seed: 11, asOf: AS_OF });
      expect(counts.customers).toBe(300);
      expect(await fingerprint(db)).toBe(expected);
    } finally {
      await db.close();
    }
  });
});

function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(a));
}
