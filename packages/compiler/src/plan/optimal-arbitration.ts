/**
 * Optimal arbitration: of all assignments that respect top N per customer, at
 * most K per category per customer and every offer's cap, the one with the
 * highest total score; among those with that total, the one that keeps the
 * earliest candidates in the spec's order (best score, then offer name, then
 * customer key) — so on equal scores a capped offer goes to the smallest keys.
 * A score at or below zero adds nothing (`score-scale.ts`).
 *
 * Without binding caps this is exactly `arbitrate()` (each customer's best N);
 * with them it can differ, because greedy gives a capped offer to whoever
 * scores it highest even when that customer had an almost-as-good alternative
 * and another had none (see docs/language.md, "Decisions beyond the spec").
 *
 *   arbitrateOptimal(candidates, { top: 2, perCategory: 1 })
 *
 * Everything is held in memory; `arbitrateInRounds` gives the same result
 * while streaming the candidates.
 */
import { compareCandidates, type ArbitrationSettings, type Assignment, type Candidate } from './arbitration';
import { ArbitrationNetwork } from './arbitration-network';
import type { ChoiceItem, Limits } from './customer-choice';
import { PerturbedField } from './perturbed';
import { scoreScale, type ScoreScale } from './score-scale';

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function arbitrateOptimal(candidates: readonly Candidate[], settings: ArbitrationSettings): Assignment[] {
  const customers = new Map<string, Candidate[]>();
  for (const c of candidates) customers.set(c.customerKey, [...(customers.get(c.customerKey) ?? []), c]);
  const groups = [...customers.keys()].sort(compareText).map((key) => usableCandidates(customers.get(key)!));
  const offers = new CappedOffers();
  groups.forEach((group) => group.forEach((c) => offers.see(c)));
  const scale = scoreScale(groups.reduce((max, group) => group.reduce((m, c) => Math.max(m, c.score), max), 0));
  // Each candidate's tie-break key is its place in the spec's order.
  const place = new Map(groups.flat().sort(compareCandidates).map((c, i) => [c, i]));
  const field = new PerturbedField<number>((a, b) => a - b);
  const limits = arbitrationLimits(settings);
  const items = groups.map((group) => choiceItems(group, offers, scale, limits, (c) => place.get(c)!));
  const kept = new ArbitrationNetwork({ customers: items, caps: offers.caps, limits, field }).solve();
  return groups.flatMap((group, c) => toAssignments(group.filter((_, i) => kept[c]![i])));
}

/** The candidates arbitration considers: finite scores, one per offer (the first in the spec's order). */
export function usableCandidates(candidates: readonly Candidate[]): readonly Candidate[] {
  const finite = candidates.every((c) => Number.isFinite(c.score)) ? candidates : candidates.filter((c) => Number.isFinite(c.score));
  if (new Set(finite.map((c) => c.offer)).size === finite.length) return finite;
  const seen = new Set<string>();
  return [...finite].sort(compareCandidates).filter((c) => !seen.has(c.offer) && !!seen.add(c.offer));
}

/** Top N and K per category as whole numbers (a count reaches a fractional limit at its ceiling, as in `arbitrate`). */
export function arbitrationLimits(settings: ArbitrationSettings): Limits {
  return {
    top: Math.max(0, Math.ceil(settings.top)),
    perCategory: settings.perCategory === undefined ? undefined : Math.max(0, Math.ceil(settings.perCategory)),
  };
}

/** The capped offers met so far, numbered in order of appearance; an offer's cap is the smallest it is given with. */
export class CappedOffers {
  readonly caps: number[] = [];
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  see(candidate: Candidate): void {
    if (candidate.cap === null) return;
    const cap = Math.max(0, Math.floor(candidate.cap));
    const known = this.index.get(candidate.offer);
    if (known === undefined) {
      this.index.set(candidate.offer, this.caps.length);
      this.caps.push(cap);
      this.names.push(candidate.offer);
    } else this.caps[known] = Math.min(this.caps[known]!, cap);
  }

  indexOf(offer: string): number {
    return this.index.get(offer) ?? -1;
  }
}

/** A customer's usable candidates as choice items, with tie-break keys from `keyOf`. */
export function choiceItems<K>(candidates: readonly Candidate[], offers: CappedOffers, scale: ScoreScale, limits: Limits, keyOf: (c: Candidate) => K): ChoiceItem<K>[] {
  const categories = new Map<string, number>();
  return candidates.map((c) => {
    let category = -1;
    if (c.category !== null && limits.perCategory !== undefined) {
      category = categories.get(c.category) ?? categories.size;
      categories.set(c.category, category);
    }
    return { weight: scale(c.score), key: keyOf(c), offer: offers.indexOf(c.offer), category };
  });
}

/** One customer's kept candidates, ranked 1, 2, … in the spec's order. */
export function toAssignments(kept: readonly Candidate[]): Assignment[] {
  return [...kept].sort(compareCandidates).map((c, i) => ({ ...c, rank: i + 1 }));
}
