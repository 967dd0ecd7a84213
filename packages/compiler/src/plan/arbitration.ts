/**
 * Arbitration over a run's candidates (customer, offer, category, score, cap):
 * the reference algorithm a runtime applies in TypeScript (the plan also
 * carries a SQL version for plans without caps).
 *
 * Greedy over all candidates from the best score down (ties: offer name, then
 * customer key): a candidate is kept while its customer has fewer than `top`
 * offers, fewer than `perCategory` in its category, and its offer has gone to
 * fewer customers than its cap. So a capped offer goes to the customers for
 * whom it scores highest, and a customer who loses it keeps their next best
 * offers instead. Each customer's kept offers are ranked 1, 2, … by score.
 */
export interface Candidate {
  readonly customerKey: string;
  readonly offer: string;
  /** Offers without a category are not limited per category. */
  readonly category: string | null;
  readonly score: number;
  /** At most this many customers per run (null: no cap). */
  readonly cap: number | null;
}

export interface ArbitrationSettings {
  readonly top: number;
  readonly perCategory?: number;
}

export interface Assignment extends Candidate {
  readonly rank: number;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The order candidates are considered in (also each customer's ranking). */
export function compareCandidates(a: Candidate, b: Candidate): number {
  return b.score - a.score || compareText(a.offer, b.offer) || compareText(a.customerKey, b.customerKey);
}

export function arbitrate(candidates: readonly Candidate[], settings: ArbitrationSettings): Assignment[] {
  const sorted = [...candidates].filter((c) => Number.isFinite(c.score)).sort(compareCandidates);
  const perCustomer = new Map<string, number>();
  const perCustomerCategory = new Map<string, number>();
  const perOffer = new Map<string, number>();
  const kept: Assignment[] = [];
  for (const c of sorted) {
    const taken = perCustomer.get(c.customerKey) ?? 0;
    if (taken >= settings.top) continue;
    const categoryKey = c.category === null ? undefined : JSON.stringify([c.customerKey, c.category]);
    if (categoryKey && settings.perCategory !== undefined && (perCustomerCategory.get(categoryKey) ?? 0) >= settings.perCategory) continue;
    const given = perOffer.get(c.offer) ?? 0;
    if (c.cap !== null && given >= Math.floor(c.cap)) continue;
    perCustomer.set(c.customerKey, taken + 1);
    if (categoryKey) perCustomerCategory.set(categoryKey, (perCustomerCategory.get(categoryKey) ?? 0) + 1);
    perOffer.set(c.offer, given + 1);
    kept.push({ ...c, rank: taken + 1 });
  }
  return kept.sort((a, b) => compareText(a.customerKey, b.customerKey) || a.rank - b.rank);
}
