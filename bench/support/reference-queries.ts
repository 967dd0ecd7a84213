/**
 * Hand-written SQLite for segments of the retail example, written the way an
 * analyst who knows this database would: EXISTS probes and range conditions
 * that use the (customer_id, placed_at) index, plain text comparison of the
 * ISO-8601 timestamps (the generator writes one fixed UTC format), and
 * SQLite's own percentile_cont for the RFM cut points.
 *
 * Each query returns one row `{ count, audience }`, like the compiled
 * `seg count` query, so both sides do the same work.
 */

export interface ReferenceQuery {
  readonly segment: string;
  /** SQLite with named parameters (`:as_of`, `:d90`, …), bound by `bindNamed`. */
  readonly sql: string;
}

const AUDIENCE = '(SELECT count(*) FROM customers) AS audience';

export const REFERENCE_QUERIES: readonly ReferenceQuery[] = [
  {
    segment: 'active',
    sql: `
      SELECT count(*) AS count, ${AUDIENCE}
      FROM customers c
      WHERE EXISTS (
        SELECT 1 FROM orders o
        WHERE o.customer_id = c.customer_id
          AND o.placed_at >= :d90 AND o.placed_at < :as_of
      )`,
  },
  {
    segment: 'high_value',
    sql: `
      WITH spend AS (
        SELECT customer_id, sum(total) AS spend_12m
        FROM orders
        WHERE placed_at >= :m12 AND placed_at < :as_of
        GROUP BY customer_id
      )
      SELECT count(*) AS count, ${AUDIENCE}
      FROM customers c
      LEFT JOIN spend s ON s.customer_id = c.customer_id
      WHERE c.predicted_clv >= 500 OR coalesce(s.spend_12m, 0) > 1000`,
  },
  {
    segment: 'dormant',
    // max() over no orders is NULL, and NULL < x is not true: "bought before" comes free.
    sql: `
      SELECT count(*) AS count, ${AUDIENCE}
      FROM customers c
      WHERE (SELECT max(o.placed_at) FROM orders o
             WHERE o.customer_id = c.customer_id AND o.placed_at < :as_of) < :d180`,
  },
  {
    segment: 'declining',
    // Anyone with an order in the last 180 days is not dormant, so `not dormant` needs no test;
    // and without spend in the earlier quarter, 0 < 0.5 * 0 is false.
    sql: `
      WITH halves AS (
        SELECT customer_id,
               sum(CASE WHEN placed_at >= :d90 THEN total ELSE 0 END) AS last_90,
               sum(CASE WHEN placed_at < :d90 THEN total ELSE 0 END) AS prior_90
        FROM orders
        WHERE placed_at >= :d180 AND placed_at < :as_of
        GROUP BY customer_id
      )
      SELECT count(*) AS count, ${AUDIENCE}
      FROM halves
      WHERE last_90 < 0.5 * prior_90`,
  },
  {
    segment: 'baby_households',
    sql: `
      SELECT count(*) AS count, ${AUDIENCE}
      FROM customers c
      WHERE EXISTS (
        SELECT 1
        FROM orders o
        JOIN order_lines l ON l.order_id = o.order_id
        JOIN products p ON p.sku = l.sku
        WHERE o.customer_id = c.customer_id
          AND o.placed_at >= :d180 AND o.placed_at < :as_of
          AND p.category = 'Baby'
      )`,
  },
  {
    segment: 'champions',
    // r_score = 6 - quintile(recency) >= 4  <=>  recency at or below the 40 % cut point;
    // f_score, m_score >= 4                 <=>  strictly above the 60 % cut point.
    sql: `
      WITH rfm AS (
        SELECT c.customer_id,
               (unixepoch(:as_of) - unixepoch(max(o.placed_at))) / 86400 AS recency_days,
               count(o.order_id) FILTER (WHERE o.placed_at >= :m12) AS orders_12m,
               coalesce(sum(o.total) FILTER (WHERE o.placed_at >= :m12), 0) AS spend_12m
        FROM customers c
        LEFT JOIN orders o ON o.customer_id = c.customer_id AND o.placed_at < :as_of
        GROUP BY c.customer_id
      ),
      cuts AS (
        SELECT percentile_cont(recency_days, 0.4) AS recency_40,
               percentile_cont(orders_12m, 0.6) AS orders_60,
               percentile_cont(spend_12m, 0.6) AS spend_60
        FROM rfm
      )
      SELECT count(*) AS count, ${AUDIENCE}
      FROM rfm, cuts
      WHERE rfm.recency_days <= cuts.recency_40
        AND rfm.orders_12m > cuts.orders_60
        AND rfm.spend_12m > cuts.spend_60`,
  },
  {
    segment: 'store_shoppers',
    sql: `
      WITH channels AS (
        SELECT customer_id,
               count(*) FILTER (WHERE channel = 'store') AS store_orders,
               count(*) AS orders_12m
        FROM orders
        WHERE placed_at >= :m12 AND placed_at < :as_of
        GROUP BY customer_id
      )
      SELECT count(*) AS count, ${AUDIENCE}
      FROM channels
      WHERE 1.0 * store_orders / orders_12m >= 0.7`,
  },
  {
    segment: 'sydney_outdoor_invitees',
    sql: `
      SELECT count(*) AS count, ${AUDIENCE}
      FROM customers c
      WHERE c.predicted_clv >= 800
        AND 2 * 6371 * asin(sqrt(
              power(sin(radians(c.latitude - -33.87) / 2), 2)
              + cos(radians(-33.87)) * cos(radians(c.latitude)) * power(sin(radians(c.longitude - 151.21) / 2), 2)
            )) <= 20
        AND EXISTS (
          SELECT 1
          FROM orders o
          JOIN order_lines l ON l.order_id = o.order_id
          JOIN products p ON p.sku = l.sku
          WHERE o.customer_id = c.customer_id
            AND o.placed_at >= :d365 AND o.placed_at < :as_of
            AND p.category IN ('Outdoor', 'Camping', 'Sports')
        )
        AND NOT EXISTS (
          SELECT 1 FROM email_events e
          WHERE e.customer_id = c.customer_id
            AND e.occurred_at < :as_of
            AND e.kind IN ('unsubscribe', 'complaint')
        )`,
  },
];

/** The instants the queries (and the plan baseline) compare with, for an as-of at midnight UTC (the retail workspace's zone). */
export function referenceParameters(asOf: Date): Record<string, string> {
  const daysAgo = (days: number): Date => new Date(asOf.getTime() - days * 86_400_000);
  const monthsAgo = (months: number): Date => {
    const d = new Date(asOf.getTime());
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() - months);
    const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, lastDay)); // calendar months, clamped to the month's end
    return d;
  };
  const iso = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;
  return {
    as_of: iso(asOf),
    d3: iso(daysAgo(3)),
    d14: iso(daysAgo(14)),
    d30: iso(daysAgo(30)),
    d90: iso(daysAgo(90)),
    d180: iso(daysAgo(180)),
    d365: iso(daysAgo(365)),
    m12: iso(monthsAgo(12)),
  };
}

/** Turns `:name` placeholders into positional `?` and the matching parameter list. */
export function bindNamed(sql: string, values: Readonly<Record<string, string>>): { sql: string; params: string[] } {
  const params: string[] = [];
  const text = sql.replace(/:([a-z_][a-z0-9_]*)/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for :${name}`);
    params.push(value);
    return '?';
  });
  return { sql: text, params };
}
