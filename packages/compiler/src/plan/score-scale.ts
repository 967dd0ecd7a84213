/**
 * Scores as integers for exact optimisation: a score becomes the nearest
 * multiple of 2^-32 of the largest score (as an integer count of those steps).
 * Sums and differences of such integers are exact in a double, so equal totals
 * compare equal (0.1 + 0.2 and 0.3 become the same integer) and the tie-break
 * decides them. Two scores closer than that step (about 2.3e-10 of the largest)
 * count as equal.
 *
 * A score at or below zero counts as 0: it adds nothing to the total, so such a
 * candidate is kept only where a place is left over (the tie-break then prefers
 * it, in the spec's order), never instead of a positive one.
 */
const SCORE_BITS = 32;

export type ScoreScale = (score: number) => number;

export function scoreScale(maxScore: number): ScoreScale {
  if (!(maxScore > 0) || !Number.isFinite(maxScore)) return () => 0;
  // Clamped so the factor stays finite for absurdly small scores.
  const exponent = Math.max(-1000, Math.ceil(Math.log2(maxScore)) - SCORE_BITS);
  const factor = 2 ** -exponent;
  return (score) => (score > 0 ? Math.round(score * factor) : 0);
}
