/**
 * Before any plan timing means anything: both sides must assign the same
 * offers. Assignments are compared as (customer, offer, rank) lines. Without
 * caps the hand-written script is the reference.
 *
 * With caps there is no hand-written SQL (a global assignment, not a
 * per-customer cut-off), and the exact optimum of 1.3 M candidates does not fit
 * a benchmark (`arbitrateOptimal` in memory passed 5 GB): the capped run must
 * keep every limit, and its total is set beside the greedy rule's
 * (`arbitrate()` over the candidates the hand-written script computed).
 */
import { arbitrate, type Candidate } from '../../packages/compiler/src/plan/arbitration';
import type { Database } from '../../packages/runtime/src/db/database';

/** The caps of examples/retail/offers.seg: two single offers, and each coupon's `max_redemptions`. */
const SINGLE_OFFER_CAPS: Readonly<Record<string, number>> = { baby_wipes_20: 5000, card_insurance: 1000 };
const TOP = 8;
const PER_CATEGORY = 2;

export type AssignmentLine = string;

const line = (customer: unknown, offer: unknown, rank: unknown): AssignmentLine => `${String(customer)}\t${String(offer)}\t${Number(rank)}`;

/** The offer rows (holdout rows have none) of an output table, ordered by customer and rank. */
export async function readAssignments(db: Database, table: string): Promise<AssignmentLine[]> {
  const rows = await db.query<{ customer_key: string; offer: string; rank: number }>(
    `SELECT customer_key, offer, rank FROM "${table}" WHERE offer IS NOT NULL ORDER BY customer_key, rank`,
  );
  return rows.map((r) => line(r.customer_key, r.offer, r.rank));
}

export interface Comparison {
  readonly equal: boolean;
  readonly left: number;
  readonly right: number;
  /** The first lines that differ (`-` only left, `+` only right). */
  readonly differences: readonly string[];
}

export function compareAssignments(left: readonly AssignmentLine[], right: readonly AssignmentLine[]): Comparison {
  const only = (a: readonly string[], b: readonly string[]) => {
    const other = new Set(b);
    return a.filter((x) => !other.has(x));
  };
  const equal = left.length === right.length && left.every((x, i) => x === right[i]);
  const differences = equal ? [] : [...only(left, right).slice(0, 5).map((x) => `- ${x}`), ...only(right, left).slice(0, 5).map((x) => `+ ${x}`)];
  return { equal, left: left.length, right: right.length, differences };
}

export interface CappedCheck {
  /** Limits the run's output breaks (empty: every cap, top 8 and at most 2 per category hold). */
  readonly violations: readonly string[];
  readonly offers: number;
  readonly total: number;
  /** The greedy rule over the hand-written candidates. */
  readonly greedyOffers: number;
  readonly greedyTotal: number;
}

/** The capped run's output (`table`) against the limits, and beside greedy `arbitrate()` over the kept candidates. */
export async function checkCapped(db: Database, keptCandidates: string, table: string): Promise<CappedCheck> {
  const caps = await workspaceCaps(db);
  const rows = await db.query<{ customer_id: string; offer: string; category: string; score: number }>(`SELECT customer_id, offer, category, score FROM "${keptCandidates}"`);
  const candidates: Candidate[] = rows.map((r) => ({ customerKey: String(r.customer_id), offer: r.offer, category: r.category, score: Number(r.score), cap: caps.get(r.offer) ?? null }));
  rows.length = 0;
  const greedy = arbitrate(candidates, { top: TOP, perCategory: PER_CATEGORY });
  const sum = (values: readonly { score: number }[]) => values.reduce((total, v) => total + Number(v.score), 0);
  const output = await db.query<{ customer_key: string; offer: string; category: string | null; score: number }>(
    `SELECT customer_key, offer, category, score FROM "${table}" WHERE offer IS NOT NULL`,
  );
  const count = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1).get(key)!;
  const [perOffer, perCustomer, perCategory] = [new Map<string, number>(), new Map<string, number>(), new Map<string, number>()];
  const violations = new Set<string>();
  for (const r of output) {
    if (count(perOffer, r.offer) > (caps.get(r.offer) ?? Infinity)) violations.add(`${r.offer} over its cap`);
    if (count(perCustomer, String(r.customer_key)) > TOP) violations.add(`${r.customer_key} over top ${TOP}`);
    if (r.category !== null && count(perCategory, `${r.customer_key}\t${r.category}`) > PER_CATEGORY) violations.add(`${r.customer_key} over ${PER_CATEGORY} in ${r.category}`);
  }
  return { violations: [...violations].slice(0, 5), offers: output.length, total: sum(output), greedyOffers: greedy.length, greedyTotal: sum(greedy) };
}

/** The caps of offers.seg: the single offers', and each coupon's `max_redemptions`. */
async function workspaceCaps(db: Database): Promise<Map<string, number>> {
  const coupons = await db.query<{ coupon_id: string; max_redemptions: number }>('SELECT coupon_id, max_redemptions FROM coupon_catalog');
  const caps = new Map<string, number>(Object.entries(SINGLE_OFFER_CAPS));
  for (const c of coupons) caps.set(`category_coupons:${c.coupon_id}`, Number(c.max_redemptions));
  return caps;
}
