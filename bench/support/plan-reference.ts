/**
 * Hand-written SQLite for the retail example's `weekly_email` plan WITHOUT caps,
 * written the way an analyst who knows this database would: one script of
 * statements (customer facts in one grouped pass per table, the RFM cut points
 * with SQLite's percentile_cont, audience and strategy, every offer's
 * eligibility and score incl. the 120-row coupon family, boosts, top 8 per
 * customer with at most 2 per category via window functions) into an output
 * table, then the contacts it records for suppression.
 *
 * Shortcuts a person who knows the data takes and the compiler cannot: the
 * coupon family reads "which product categories did this customer buy in the
 * last 90 days" once and joins the catalogue by category (the map
 * `adjacent_categories` written as a VALUES table); the order-lines pass reads
 * only Baby lines and the wipes; timestamps are compared as ISO text (the
 * generator stores `2026-11-21T09:13:05Z`).
 *
 * The holdout draw cannot be written in SQLite (no hash function): the analyst
 * fills `baseline_weekly_email_holdout` first with the same draw as the runtime
 * (`isHeldOut`), see `fillReferenceHoldout`.
 */
import { isHeldOut } from '../../packages/compiler/src/plan/holdout-hash';
import type { Database } from '../../packages/runtime/src/db/database';
import { bindNamed } from './reference-queries';

export const PLAN = 'weekly_email';
export const HOLDOUT_SHARE = 0.1;
export const REFERENCE_OUTPUT = 'baseline_weekly_email_offers';
/** The plan's own `output table` (examples/retail/plans.seg). */
export const RUNTIME_OUTPUT = 'weekly_email_offers';
export const REFERENCE_HOLDOUT = 'baseline_weekly_email_holdout';
export const REFERENCE_CANDIDATES = 'baseline_candidates';

export interface ReferenceStatement {
  readonly id: string;
  /** SQLite with named parameters (`:as_of`, `:d90`, …, `:run_id`), bound by `bindNamed`. */
  readonly sql: string;
}

const WORK_TABLES = ['baseline_customers', 'baseline_cuts', 'baseline_audience', REFERENCE_CANDIDATES];

// r_score = quintile(recency_days desc) = 6 - (1 + cut points strictly below); the others 1 + cut points below.
const quintile = (x: string, cut: string) => `(k.${cut}20 < ${x}) + (k.${cut}40 < ${x}) + (k.${cut}60 < ${x}) + (k.${cut}80 < ${x})`;
const cuts = (x: string, cut: string) =>
  [20, 40, 60, 80].map((p) => `percentile_cont(${x}, 0.${p / 10}) AS ${cut}${p}`).join(',\n               ');

export const PLAN_REFERENCE: readonly ReferenceStatement[] = [
  {
    id: 'setup',
    sql: `CREATE TABLE IF NOT EXISTS contacts (plan TEXT, offer TEXT, channel TEXT, category TEXT, at TEXT, customer_key TEXT)`,
  },
  {
    id: 'output table',
    sql: `
      CREATE TABLE IF NOT EXISTS ${REFERENCE_OUTPUT} (
        run_id TEXT, plan TEXT, as_of TEXT, customer_key TEXT, offer TEXT, category TEXT, rank INTEGER, score REAL,
        strategy TEXT, secondary_strategy TEXT, holdout INTEGER, spend_12m REAL, r_score INTEGER, f_score INTEGER, m_score INTEGER
      )`,
  },
  ...WORK_TABLES.map((table) => ({ id: `drop ${table}`, sql: `DROP TABLE IF EXISTS temp.${table}` })),
  {
    // Every customer, not only the audience: the RFM quintiles rank the whole customer base.
    id: 'customer facts',
    sql: `
      CREATE TEMP TABLE baseline_customers AS
      WITH o AS (
        SELECT customer_id,
               max(placed_at) AS last_order,
               sum(total) FILTER (WHERE placed_at >= :m12) AS spend_12m,
               count(*) FILTER (WHERE placed_at >= :m12) AS orders_12m,
               count(*) FILTER (WHERE placed_at >= :m12 AND channel = 'store') AS store_orders_12m,
               sum(total) FILTER (WHERE placed_at >= :d90) AS spend_last_90,
               sum(total) FILTER (WHERE placed_at >= :d180 AND placed_at < :d90) AS spend_prior_90,
               count(*) FILTER (WHERE channel = 'app') AS app_orders
        FROM orders
        WHERE placed_at < :as_of
        GROUP BY customer_id
      ),
      baby AS (
        SELECT o.customer_id,
               count(*) FILTER (WHERE p.category = 'Baby') AS baby_lines_365,
               count(*) FILTER (WHERE p.category = 'Baby' AND o.placed_at >= :d180) AS baby_lines_180,
               count(*) FILTER (WHERE p.name = 'Baby wipes 80 pack' AND o.placed_at >= :d14) AS wipes_lines_14
        FROM orders o
        JOIN order_lines l ON l.order_id = o.order_id
        JOIN products p ON p.sku = l.sku
        WHERE o.placed_at >= :d365 AND o.placed_at < :as_of
          AND (p.category = 'Baby' OR p.name = 'Baby wipes 80 pack')
        GROUP BY o.customer_id
      )
      SELECT c.customer_id, c.email_opt_in, c.signup_at, c.predicted_clv, c.churn_risk, c.owns_card, c.owns_insurance,
             o.last_order,
             (unixepoch(:as_of) - unixepoch(o.last_order)) / 86400 AS recency_days,
             coalesce(o.spend_12m, 0) AS spend_12m,
             coalesce(o.orders_12m, 0) AS orders_12m,
             coalesce(o.store_orders_12m, 0) AS store_orders_12m,
             coalesce(o.spend_last_90, 0) AS spend_last_90,
             coalesce(o.spend_prior_90, 0) AS spend_prior_90,
             coalesce(o.app_orders, 0) AS app_orders,
             coalesce(b.baby_lines_365, 0) AS baby_lines_365,
             coalesce(b.baby_lines_180, 0) AS baby_lines_180,
             coalesce(b.wipes_lines_14, 0) AS wipes_lines_14
      FROM customers c
      LEFT JOIN o ON o.customer_id = c.customer_id
      LEFT JOIN baby b ON b.customer_id = c.customer_id`,
  },
  {
    id: 'RFM cut points',
    sql: `
      CREATE TEMP TABLE baseline_cuts AS
      SELECT ${cuts('recency_days', 'r')},
               ${cuts('orders_12m', 'f')},
               ${cuts('spend_12m', 'm')}
      FROM baseline_customers`,
  },
  {
    id: 'audience and strategy',
    sql: `
      CREATE TEMP TABLE baseline_audience AS
      WITH flags AS (
        SELECT c.customer_id, c.spend_12m, c.recency_days, c.orders_12m, c.churn_risk,
               c.baby_lines_365, c.wipes_lines_14, c.app_orders,
               coalesce(c.last_order < :d180, 0) AS dormant,
               c.signup_at >= :d30 AND c.signup_at < :as_of AS new_customer,
               coalesce(c.predicted_clv >= 500, 0) OR c.spend_12m > 1000 AS high_value,
               c.spend_last_90 < 0.5 * c.spend_prior_90 AS spend_halved,
               c.baby_lines_180 > 0 AS baby_household,
               1.0 * c.store_orders_12m / max(1, c.orders_12m) >= 0.7 AS store_shopper,
               c.owns_card AND NOT c.owns_insurance AS card_prospect
        FROM baseline_customers c
        WHERE c.email_opt_in
          AND NOT EXISTS (
            SELECT 1 FROM email_events e
            WHERE e.customer_id = c.customer_id AND e.occurred_at < :as_of AND e.kind IN ('unsubscribe', 'complaint')
          )
      ),
      strategy AS (
        -- declining = spend halved and not dormant; dormant is tested first.
        SELECT f.*,
               CASE WHEN dormant THEN 'reactivate'
                    WHEN new_customer THEN 'onboard'
                    WHEN high_value AND churn_risk > 0.6 THEN 'retain'
                    WHEN high_value AND card_prospect THEN 'cross_sell'
                    WHEN spend_halved THEN 'retain'
                    ELSE 'grow' END AS primary_strategy
        FROM flags f
      )
      SELECT s.*,
             CASE WHEN baby_household AND primary_strategy <> 'cross_sell' THEN 'cross_sell'
                  WHEN card_prospect AND primary_strategy <> 'cross_sell' THEN 'cross_sell'
                  WHEN store_shopper AND primary_strategy <> 'migrate' THEN 'migrate'
                  ELSE 'retain' END AS secondary_strategy,
             h.customer_id IS NOT NULL AS holdout,
             EXISTS (
               SELECT 1 FROM contacts x
               WHERE x.customer_key = s.customer_id AND x.channel = 'email'
                 AND unixepoch(x.at, 'subsec') >= unixepoch(:d3) AND unixepoch(x.at, 'subsec') < unixepoch(:as_of)
             ) AS suppressed,
             5 - (${quintile('s.recency_days', 'r')}) AS r_score,
             1 + ${quintile('s.orders_12m', 'f')} AS f_score,
             1 + ${quintile('s.spend_12m', 'm')} AS m_score
      FROM strategy s
      CROSS JOIN baseline_cuts k
      LEFT JOIN ${REFERENCE_HOLDOUT} h ON h.customer_id = s.customer_id`,
  },
  { id: 'audience key', sql: 'CREATE UNIQUE INDEX temp.baseline_audience_key ON baseline_audience (customer_id)' },
  {
    // score × value per offer, then the boosts for the customer's primary and secondary strategy.
    id: 'candidates',
    sql: `
      CREATE TEMP TABLE ${REFERENCE_CANDIDATES} AS
      WITH a AS (SELECT * FROM baseline_audience WHERE NOT holdout AND NOT suppressed),
      recent AS (
        SELECT DISTINCT o.customer_id, p.category
        FROM orders o
        JOIN order_lines l ON l.order_id = o.order_id
        JOIN products p ON p.sku = l.sku
        WHERE o.placed_at >= :d90 AND o.placed_at < :as_of
      ),
      adjacent (coupon_category, bought) AS (
        VALUES ('Baby', 'Toys'), ('Baby', 'Health & Beauty'), ('Toys', 'Baby'), ('Outdoor', 'Sports'), ('Outdoor', 'Footwear'),
               ('Sports', 'Outdoor'), ('Sports', 'Footwear'), ('Fashion', 'Footwear'), ('Fashion', 'Health & Beauty'), ('Home', 'Baby')
      ),
      reach AS (
        SELECT DISTINCT r.customer_id, j.coupon_category
        FROM recent r JOIN adjacent j ON j.bought = r.category
      ),
      offers AS (
        SELECT customer_id, 'baby_wipes_20' AS offer, 'Baby' AS category, 'cross_sell' AS strategy,
               (0.4 + 0.6 * min(1, baby_lines_365 / 10.0)) * 3.5 AS value_score, primary_strategy, secondary_strategy
        FROM a
        WHERE baby_household AND wipes_lines_14 = 0 AND :as_of >= '2026-11-01T00:00:00Z' AND :as_of < '2027-01-01T00:00:00Z'
        UNION ALL
        SELECT customer_id, 'winback_15', 'Fashion', 'reactivate', (0.2 + 0.1 * m_score) * 12, primary_strategy, secondary_strategy
        FROM a WHERE dormant
        UNION ALL
        SELECT customer_id, 'card_insurance', 'Home', 'cross_sell', (0.3 + 0.05 * f_score) * 40, primary_strategy, secondary_strategy
        FROM a WHERE card_prospect
        UNION ALL
        SELECT customer_id, 'app_download', 'Home', 'migrate', 0.25 * 2, primary_strategy, secondary_strategy
        FROM a WHERE store_shopper AND app_orders = 0
        UNION ALL
        SELECT customer_id, 'welcome_10', 'Fashion', 'onboard', 0.9 * 5, primary_strategy, secondary_strategy
        FROM a WHERE new_customer
        UNION ALL
        SELECT a.customer_id, 'category_coupons:' || k.coupon_id, k.category, 'cross_sell', k.base_score * (1 + 0.1 * a.r_score) * 1,
               a.primary_strategy, a.secondary_strategy
        FROM a
        JOIN reach r ON r.customer_id = a.customer_id
        JOIN coupon_catalog k ON k.category = r.coupon_category
      )
      SELECT customer_id, offer, category,
             value_score * CASE WHEN strategy = primary_strategy THEN 1.5 ELSE 1 END
                         * CASE WHEN strategy = secondary_strategy THEN 1.2 ELSE 1 END AS score
      FROM offers
      WHERE value_score IS NOT NULL`,
  },
  {
    // Best 8 per customer, at most 2 per category (ties: offer name); holdout customers listed without an offer.
    id: 'arbitration and output',
    sql: `
      INSERT INTO ${REFERENCE_OUTPUT}
      WITH by_category AS (
        SELECT c.*, row_number() OVER (PARTITION BY customer_id, category ORDER BY score DESC, offer) AS in_category
        FROM ${REFERENCE_CANDIDATES} c
      ),
      ranked AS (
        SELECT b.*, row_number() OVER (PARTITION BY customer_id ORDER BY score DESC, offer) AS rank
        FROM by_category b
        WHERE in_category <= 2
      )
      SELECT :run_id, '${PLAN}', :as_of, r.customer_id, r.offer, r.category, r.rank, r.score,
             a.primary_strategy, a.secondary_strategy, 0, a.spend_12m, a.r_score, a.f_score, a.m_score
      FROM ranked r
      JOIN baseline_audience a ON a.customer_id = r.customer_id
      WHERE r.rank <= 8
      UNION ALL
      SELECT :run_id, '${PLAN}', :as_of, customer_id, NULL, NULL, NULL, NULL,
             primary_strategy, secondary_strategy, 1, spend_12m, r_score, f_score, m_score
      FROM baseline_audience
      WHERE holdout`,
  },
  {
    id: 'contacts',
    sql: `
      INSERT INTO contacts (plan, offer, channel, category, at, customer_key)
      SELECT plan, offer, 'email', category, as_of, customer_key
      FROM ${REFERENCE_OUTPUT}
      WHERE run_id = :run_id AND offer IS NOT NULL`,
  },
];

/** Runs the script in one transaction (work tables stay until the next run, for reading the candidates). */
export async function runPlanReference(db: Database, values: Readonly<Record<string, string>>, afterStatement?: (id: string) => void): Promise<void> {
  await db.transaction(async (tx) => {
    for (const statement of PLAN_REFERENCE) {
      const { sql, params } = bindNamed(statement.sql, values);
      await tx.query(sql, params);
      afterStatement?.(statement.id);
    }
  });
}

/**
 * The holdout table the script reads: every customer the runtime's draw holds
 * out of this plan (the draw depends on plan and key only, so the analyst
 * hashes all customer ids rather than the audience). Returns how many.
 */
export async function fillReferenceHoldout(db: Database, afterRead?: () => void): Promise<number> {
  const keys = await db.query<{ customer_id: string }>('SELECT customer_id FROM customers');
  afterRead?.();
  const held = keys.map((k) => k.customer_id).filter((key) => isHeldOut(PLAN, key, HOLDOUT_SHARE));
  await db.transaction(async (tx) => {
    await tx.exec(`DROP TABLE IF EXISTS ${REFERENCE_HOLDOUT}; CREATE TABLE ${REFERENCE_HOLDOUT} (customer_id TEXT PRIMARY KEY)`);
    const batch = 500;
    for (let i = 0; i < held.length; i += batch) {
      const chunk = held.slice(i, i + batch);
      await tx.query(`INSERT INTO ${REFERENCE_HOLDOUT} (customer_id) VALUES ${chunk.map(() => '(?)').join(', ')}`, chunk);
    }
  });
  return held.length;
}

/**
 * Forgets what earlier runs of either side wrote (both output tables, the plan's contacts), so
 * every run starts from the same database. Contacts matter beyond fairness: `contacts` has no
 * index, so the suppression probe scans it once per audience member.
 */
export async function resetPlanRuns(db: Database): Promise<void> {
  await db.exec(`DROP TABLE IF EXISTS ${REFERENCE_OUTPUT}; DROP TABLE IF EXISTS ${RUNTIME_OUTPUT}`);
  const [contacts] = await db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'contacts'");
  if (contacts) await db.query('DELETE FROM contacts WHERE plan = ?', [PLAN]);
}
