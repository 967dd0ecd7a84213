/**
 * Before any plan timing means anything: both sides must assign the same
 * offers. Assignments are compared as (customer, offer, rank) lines.
 *
 * Without caps the hand-written script is the reference. With caps there is no
 * hand-written SQL (a global assignment, not a per-customer cut-off): the
 * runtime's capped run is compared with the compiler's in-memory optimum
 * `arbitrateOptimal()` (a min-cost flow over every candidate at once, not the
 * runtime's streamed `arbitrateInRounds`) applied to the candidates the
 * hand-written script computed independently, with the caps offers.seg declares.
 */
import type { Candidate } from '../../packages/compiler/src/plan/arbitration';
import { arbitrateOptimal } from '../../packages/compiler/src/plan/optimal-arbitration';
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

/** `arbitrateOptimal()` over the hand-written script's candidates (kept in `table`), with the workspace's caps. */
export async function cappedReference(db: Database, table: string): Promise<AssignmentLine[]> {
  const coupons = await db.query<{ coupon_id: string; max_redemptions: number }>('SELECT coupon_id, max_redemptions FROM coupon_catalog');
  const caps = new Map<string, number>(Object.entries(SINGLE_OFFER_CAPS));
  for (const c of coupons) caps.set(`category_coupons:${c.coupon_id}`, Number(c.max_redemptions));
  const rows = await db.query<{ customer_id: string; offer: string; category: string; score: number }>(`SELECT customer_id, offer, category, score FROM "${table}"`);
  const candidates: Candidate[] = rows.map((r) => ({ customerKey: String(r.customer_id), offer: r.offer, category: r.category, score: Number(r.score), cap: caps.get(r.offer) ?? null }));
  rows.length = 0;
  return arbitrateOptimal(candidates, { top: TOP, perCategory: PER_CATEGORY }).map((a) => line(a.customerKey, a.offer, a.rank));
}
