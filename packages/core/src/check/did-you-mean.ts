/**
 * "Did you mean …?" — the closest name in scope by Damerau-Levenshtein distance
 * (optimal string alignment: insertions, deletions, substitutions and swaps of
 * two neighbouring letters each cost 1). Only computed when a name is unknown,
 * so the cost never touches a clean check.
 */

/** Optimal-string-alignment distance, giving up early once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  // Three rolling rows: two back is needed for transpositions.
  let prev2 = new Array<number>(cols).fill(0);
  let prev = Array.from({ length: cols }, (_, j) => j);
  let cur = new Array<number>(cols).fill(0);
  for (let i = 1; i < rows; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j < cols; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        value = Math.min(value, prev2[j - 2]! + 1);
      }
      cur[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[cols - 1]!;
}

/** How far a candidate may be from what was typed: short names need a closer match. */
function threshold(name: string): number {
  if (name.length <= 3) return 1;
  if (name.length <= 6) return 2;
  return 3;
}

/**
 * The closest candidate within the threshold, or undefined. Case differences
 * count as a single edit at most (`Total` → `total`). Ties keep the earliest
 * candidate, so callers list candidates in scope order (nearest scope first).
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const limit = threshold(name);
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate === name || candidate.length === 0) continue;
    let distance = editDistance(name, candidate, bestDistance);
    if (candidate.toLowerCase() === lower) distance = Math.min(distance, 1);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}
