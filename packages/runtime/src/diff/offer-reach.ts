/**
 * An offer's reach, for `seg diff`: how many customers a run as of that time
 * would make candidates for it — in the plan's audience, not held out, not
 * suppressed, the offer on the plan's channel and valid, its eligibility rule
 * true. Counted from a dry run of the plan that stops before arbitration and
 * is rolled back: the same statements a run executes, and nothing written.
 * Arbitration (top N, caps) is left out on purpose: it is what reviewers ask
 * least and costs the most.
 */
import type { RankingPlan } from '@seg/compiler';
import type { Database } from '../db/database';
import { inspectPlanCandidates } from '../run/run-plan';
import { quoteIdentifier as q } from '../run/sql-text';

/** Customers an offer reaches before and after; null where the plan does not offer it. */
export interface OfferReach {
  /** The offer; an offer family's offers as `family:key`. */
  readonly offer: string;
  readonly before: number | null;
  readonly after: number | null;
}

/** Per offer of the plan, how many customers are candidates; an offer family's offers as `family:key`. */
export interface PlanReach {
  readonly counts: ReadonlyMap<string, number>;
  /** The plan's offers and offer families, by name. */
  readonly offers: ReadonlySet<string>;
  readonly families: ReadonlySet<string>;
}

export async function offerReach(db: Database, plan: RankingPlan, asOf: Date): Promise<PlanReach> {
  const rows = await inspectPlanCandidates(db, plan, { asOf }, (session) =>
    session.query({ sql: `select offer, count(*) as n from ${q(plan.tables.candidates)} group by offer`, params: [] }, 'diff:reach'),
  );
  return {
    counts: new Map(rows.map((row) => [String(row.offer), Number(row.n)])),
    offers: new Set(plan.offers.filter((o) => o.family === null).map((o) => o.name)),
    families: new Set(plan.offers.filter((o) => o.family !== null).map((o) => o.name)),
  };
}

/** The offers whose reach differs between two sides (undefined: the plan is absent there), by name. */
export function reachChanges(before: PlanReach | undefined, after: PlanReach | undefined): OfferReach[] {
  const names = new Set<string>();
  for (const side of [before, after]) {
    if (!side) continue;
    for (const name of side.offers) names.add(name);
    for (const name of side.counts.keys()) names.add(name);
  }
  const changes: OfferReach[] = [];
  for (const offer of [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const from = reachOf(before, offer);
    const to = reachOf(after, offer);
    if (from !== to) changes.push({ offer, before: from, after: to });
  }
  return changes;
}

/** Its candidates; 0 for an offer of the plan nobody is eligible for; null when the plan does not have it. */
function reachOf(side: PlanReach | undefined, offer: string): number | null {
  if (!side) return null;
  const count = side.counts.get(offer);
  if (count !== undefined) return count;
  const family = offer.includes(':') ? offer.slice(0, offer.indexOf(':')) : undefined;
  return side.offers.has(offer) || (family !== undefined && side.families.has(family)) ? 0 : null;
}
