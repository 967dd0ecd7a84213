/**
 * Generates the retail demo database: customers, orders, order lines, products,
 * email events and a coupon catalogue, matching `examples/retail/model.seg`.
 *
 * Deterministic: the same seed, size and as-of give the same rows on every
 * engine. Streaming: rows go out in fixed-size multi-row INSERTs, one
 * transaction per chunk of customers, so memory stays flat whatever the size.
 */
import type { Database } from '../db/database';
import { quoteIdentifier } from '../fixtures/column-types';
import { RUNTIME_TABLES } from '../runtime-tables';
import { BatchInserter } from './batch-inserter';
import { buildCoupons, buildProducts } from './retail-catalog';
import { DAY_MS, simulateCustomer, type Campaign, type RetailSink, type RetailWorld } from './retail-customer';
import {
  COUPON_CATALOG,
  CUSTOMERS,
  EMAIL_EVENTS,
  ORDERS,
  ORDER_LINES,
  PRODUCTS,
  RETAIL_TABLES,
  createIndexSqls,
  createTableSql,
  dropTableSql,
} from './retail-schema';

export interface GenerateRetailOptions {
  /** Number of customers (default 10,000). Order lines come to roughly ten per customer. */
  readonly customers?: number;
  /** Any integer; the same seed gives the same database (default 1). */
  readonly seed?: number;
  /** The "today" of the data: every event happens before it (default 2026-11-22, UTC). */
  readonly asOf?: Date | string;
  /** Years of history before the as-of (default 3). */
  readonly years?: number;
  /** Drop the six tables, and the runtime's own history tables, first if they exist (default false: an existing table is an error). */
  readonly replace?: boolean;
  /** Called after each chunk of customers is committed. */
  readonly onProgress?: (customersDone: number, customersTotal: number) => void;
}

export interface RetailCounts {
  readonly customers: number;
  readonly orders: number;
  readonly orderLines: number;
  readonly products: number;
  readonly emailEvents: number;
  readonly coupons: number;
}

export const DEFAULT_AS_OF = '2026-11-22';
const CUSTOMERS_PER_TRANSACTION = 5_000;

/**
 * Creates the retail tables in `db` and fills them.
 *
 * @example const counts = await generateRetail(await connect('sqlite:demo.db'), { customers: 200_000, seed: 42 });
 */
export async function generateRetail(db: Database, options: GenerateRetailOptions = {}): Promise<RetailCounts> {
  const customers = options.customers ?? 10_000;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(customers) || customers < 0) throw new Error(`customers must be a whole number ≥ 0, not ${customers}`);
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, not ${seed}`);
  const world = buildWorld(seed, asOfInstant(options.asOf ?? DEFAULT_AS_OF), options.years ?? 3);

  // Starting over also forgets the runtime's history: runs, contacts and memberships of the old data.
  if (options.replace) for (const name of RUNTIME_TABLES) await db.exec(`DROP TABLE IF EXISTS ${quoteIdentifier(name)}`);
  for (const table of RETAIL_TABLES) {
    if (options.replace) await db.exec(dropTableSql(table));
    await db.exec(createTableSql(table, db.dialect));
  }

  const products = new BatchInserter(PRODUCTS, db.dialect);
  const coupons = new BatchInserter(COUPON_CATALOG, db.dialect);
  await db.transaction(async (tx) => {
    for (const category of world.categories) {
      for (const p of category.products) products.add([p.sku, p.name, p.category, p.brand, p.margin]);
    }
    for (const c of buildCoupons(seed)) coupons.add([c.coupon_id, c.title, c.category, c.base_score, c.max_redemptions, c.funded_by]);
    await products.flushAll(tx);
    await coupons.flushAll(tx);
  });

  const writers = [
    new BatchInserter(CUSTOMERS, db.dialect),
    new BatchInserter(ORDERS, db.dialect),
    new BatchInserter(ORDER_LINES, db.dialect),
    new BatchInserter(EMAIL_EVENTS, db.dialect),
  ] as const;
  const [customerRows, orderRows, lineRows, emailRows] = writers;
  const sink: RetailSink = {
    customer: (row) => customerRows.add(row),
    order: (row) => orderRows.add(row),
    orderLine: (row) => lineRows.add(row),
    emailEvent: (row) => emailRows.add(row),
  };

  for (let first = 1; first <= customers; first += CUSTOMERS_PER_TRANSACTION) {
    const last = Math.min(customers, first + CUSTOMERS_PER_TRANSACTION - 1);
    await db.transaction(async (tx) => {
      for (let index = first; index <= last; index++) {
        simulateCustomer(world, index, sink);
        for (const writer of writers) if (writer.isFull) await writer.flushFull(tx);
      }
      for (const writer of writers) await writer.flushAll(tx);
    });
    options.onProgress?.(last, customers);
  }

  for (const sql of createIndexSqls()) await db.exec(sql);
  // Fresh statistics let the planners use the indexes from the first query.
  // Only our tables: on a shared database a bare ANALYZE would visit everyone's.
  if (db.dialect !== 'duckdb') {
    for (const table of RETAIL_TABLES) await db.exec(`ANALYZE ${quoteIdentifier(table.name)}`);
  }

  return {
    customers: customerRows.count,
    orders: orderRows.count,
    orderLines: lineRows.count,
    products: products.count,
    emailEvents: emailRows.count,
    coupons: coupons.count,
  };
}

/** A date alone is midnight UTC (the retail example's workspace has no time zone). */
function asOfInstant(asOf: Date | string): number {
  const ms = typeof asOf === 'string' ? Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(asOf) ? `${asOf}T00:00:00Z` : asOf) : asOf.getTime();
  if (Number.isNaN(ms)) throw new Error(`asOf is not a date: ${String(asOf)}`);
  return ms;
}

function buildWorld(seed: number, asOfMs: number, years: number): RetailWorld {
  const start = new Date(asOfMs);
  start.setUTCFullYear(start.getUTCFullYear() - years);
  return { seed, asOfMs, startMs: start.getTime(), categories: buildProducts(seed), campaigns: weeklyCampaigns(start.getTime(), asOfMs) };
}

/**
 * The weekly newsletter goes out Monday 06:00 in Sydney, which is Sunday evening
 * UTC; it is named after the Monday.
 */
function weeklyCampaigns(startMs: number, asOfMs: number): Campaign[] {
  const campaigns: Campaign[] = [];
  const first = new Date(startMs);
  first.setUTCHours(19, 30, 0, 0);
  first.setUTCDate(first.getUTCDate() + ((7 - first.getUTCDay()) % 7)); // the first Sunday
  for (let ms = first.getTime(); ms < asOfMs; ms += 7 * DAY_MS) {
    const monday = new Date(ms + DAY_MS).toISOString().slice(0, 10);
    campaigns.push({ name: `weekly-${monday}`, sentMs: ms });
  }
  return campaigns;
}
