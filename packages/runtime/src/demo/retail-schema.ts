/**
 * The tables of the retail example (`examples/retail/model.seg`) as plain DDL, so
 * the demo database can be created without parsing a workspace. Column types
 * follow the fixture loader's conventions (fixtures/column-types.ts): in SQLite
 * timestamps are ISO-8601 text in a `TIMESTAMP` column and booleans 0/1; in
 * PostgreSQL and DuckDB they are native `TIMESTAMPTZ` and `BOOLEAN`.
 */
import { DIALECT_TYPES, quoteIdentifier, type FixtureDialect } from '../fixtures/column-types';

export type RetailDialect = FixtureDialect;

export type RetailColumnType = 'text' | 'number' | 'bool' | 'timestamp';

export interface RetailColumn {
  readonly name: string;
  readonly type: RetailColumnType;
}

export interface RetailTable {
  readonly name: string;
  /** The key column, declared PRIMARY KEY (generated keys are unique). */
  readonly key?: string;
  readonly columns: readonly RetailColumn[];
}

const col = (name: string, type: RetailColumnType): RetailColumn => ({ name, type });

export const CUSTOMERS: RetailTable = {
  name: 'customers',
  key: 'customer_id',
  columns: [
    col('customer_id', 'text'),
    col('email', 'text'),
    col('first_name', 'text'),
    col('country', 'text'),
    col('city', 'text'),
    col('latitude', 'number'),
    col('longitude', 'number'),
    col('signup_at', 'timestamp'),
    col('email_opt_in', 'bool'),
    col('sms_opt_in', 'bool'),
    col('predicted_clv', 'number'),
    col('churn_risk', 'number'),
    col('owns_card', 'bool'),
    col('owns_insurance', 'bool'),
  ],
};

export const ORDERS: RetailTable = {
  name: 'orders',
  key: 'order_id',
  columns: [
    col('order_id', 'text'),
    col('customer_id', 'text'),
    col('placed_at', 'timestamp'),
    col('channel', 'text'),
    col('total', 'number'),
    col('discount', 'number'),
  ],
};

export const ORDER_LINES: RetailTable = {
  name: 'order_lines',
  columns: [col('order_id', 'text'), col('sku', 'text'), col('quantity', 'number'), col('price', 'number')],
};

export const PRODUCTS: RetailTable = {
  name: 'products',
  key: 'sku',
  columns: [col('sku', 'text'), col('name', 'text'), col('category', 'text'), col('brand', 'text'), col('margin', 'number')],
};

export const EMAIL_EVENTS: RetailTable = {
  name: 'email_events',
  key: 'event_id',
  columns: [
    col('event_id', 'text'),
    col('customer_id', 'text'),
    col('occurred_at', 'timestamp'),
    col('kind', 'text'),
    col('campaign', 'text'),
  ],
};

export const COUPON_CATALOG: RetailTable = {
  name: 'coupon_catalog',
  key: 'coupon_id',
  columns: [
    col('coupon_id', 'text'),
    col('title', 'text'),
    col('category', 'text'),
    col('base_score', 'number'),
    col('max_redemptions', 'number'),
    col('funded_by', 'text'),
  ],
};

export const RETAIL_TABLES: readonly RetailTable[] = [CUSTOMERS, ORDERS, ORDER_LINES, PRODUCTS, EMAIL_EVENTS, COUPON_CATALOG];

/**
 * Indexes for the queries segments make: a customer's orders in a time window,
 * the lines of an order, a customer's email events. Created after the data is
 * loaded (building an index once is much faster than maintaining it row by row).
 */
export const RETAIL_INDEXES: readonly { readonly table: string; readonly columns: readonly string[] }[] = [
  { table: 'orders', columns: ['customer_id', 'placed_at'] },
  { table: 'order_lines', columns: ['order_id'] },
  { table: 'email_events', columns: ['customer_id', 'occurred_at'] },
];

export function createTableSql(table: RetailTable, dialect: RetailDialect): string {
  const types = DIALECT_TYPES[dialect].columnType;
  const columns = table.columns.map(
    (c) => `${quoteIdentifier(c.name)} ${types[c.type]}${c.name === table.key ? ' PRIMARY KEY' : ''}`,
  );
  return `CREATE TABLE ${quoteIdentifier(table.name)} (${columns.join(', ')})`;
}

export function dropTableSql(table: RetailTable): string {
  return `DROP TABLE IF EXISTS ${quoteIdentifier(table.name)}`;
}

export function createIndexSqls(): string[] {
  return RETAIL_INDEXES.map(({ table, columns }) => {
    const name = quoteIdentifier(`${table}_${columns.join('_')}_idx`);
    return `CREATE INDEX ${name} ON ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')})`;
  });
}
