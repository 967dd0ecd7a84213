/**
 * The holdout draw: a stable hash of the plan name and the customer key,
 * computed by the runtime in TypeScript (identical on every database, since no
 * hash function exists in all three SQL engines — SQLite has none built in)
 * and stored in the run's audience table.
 *
 * fraction = fmix32(FNV-1a-32(utf8(plan + "\u001f" + key))) / 2³²
 * A customer is held out when fraction < holdout share.
 *
 * FNV-1a alone mixes short, similar keys (`c1`, `c2`…) poorly in its high bits;
 * MurmurHash3's 32-bit finaliser spreads them evenly.
 */
export const HOLDOUT_HASH = 'fnv1a32-fmix32' as const;

const encoder = new TextEncoder();

export function holdoutFraction(plan: string, customerKey: string | number): number {
  let h = 0x811c9dc5;
  for (const byte of encoder.encode(`${plan}\u001f${String(customerKey)}`)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}

/** Whether a customer is in the plan's control group. */
export function isHeldOut(plan: string, customerKey: string | number, share: number): boolean {
  return share > 0 && holdoutFraction(plan, customerKey) < share;
}
