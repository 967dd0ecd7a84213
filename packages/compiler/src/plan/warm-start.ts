/**
 * Where the exact solve (`arbitration-network.ts`) starts: each customer's
 * best set at prices close to the optimum's, so that only a few places over a
 * cap are left for its shortest paths to move (each costs a Dijkstra).
 *
 * In memory, over the customers being solved: from the given prices (else from
 * just above each offer's (cap + 1)-th highest value), rounds in which every
 * capped offer's price goes to just above its (cap + 1)-th highest bid — or to 0
 * when fewer bid — keeping the prices that left the least excess. Then every priced
 * offer left under its cap is brought down to its cap-th bid (at worst to 0):
 * a positive price on an offer with room is not optimal for its load, and the
 * solve must start from a flow that is.
 */
import { BidHeap, numberKeys } from './bid-heap';
import { bid, bidCosts, bidReal, choose, Prices, type Choice, type ChoiceItem, type Limits } from './customer-choice';
import type { Perturbed, PerturbedField } from './perturbed';

type Value = Perturbed<number>;

/** The numeric tie-break key after every candidate's: "just above" a value. */
export const AFTER_ALL = Number.MAX_SAFE_INTEGER;
const ROUNDS = 30;
const STALLED_ROUNDS = 3;

export function warmStart(
  customers: readonly (readonly ChoiceItem<number>[])[],
  caps: readonly number[],
  limits: Limits,
  field: PerturbedField<number>,
  start: readonly Value[] | undefined,
): { readonly choices: Choice<number>[]; readonly prices: readonly Value[] } {
  const justAbove = field.of(0, AFTER_ALL);
  let price = start ? caps.map((_, o) => start[o] ?? field.zero) : fromAbove(customers, caps, field);
  let best = { excess: Infinity, price };
  let stalled = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const { load, bid } = market(customers, caps, limits, field, price);
    const excess = caps.reduce((sum, cap, o) => sum + (load[o]! > cap || field.sign(price[o]!) > 0 ? Math.abs(load[o]! - cap) : 0), 0);
    if (excess < best.excess) [best, stalled] = [{ excess, price }, 0];
    else if (++stalled >= STALLED_ROUNDS) break;
    if (excess === 0) break;
    const next = caps.map((cap, o) => {
      const cut = bid(o, cap + 1);
      return cut !== undefined ? field.add(cut, justAbove) : field.zero;
    });
    if (next.every((p, o) => field.compare(p, price[o]!) === 0)) break;
    price = next;
  }
  price = [...best.price];
  for (let attempt = 0; ; attempt++) {
    const { load, bid, choices } = market(customers, caps, limits, field, price, true);
    const under = caps.map((cap, o) => field.sign(price[o]!) > 0 && load[o]! < cap);
    if (!under.includes(true)) return { choices: choices!, prices: price };
    under.forEach((isUnder, o) => {
      if (!isUnder) return;
      // Just below the cap-th bid, so that cap customers take it — unless prices keep moving: then 0.
      const cut = attempt < 10 && caps[o]! > 0 ? bid(o, caps[o]!) : undefined;
      const lower = cut ? field.sub(cut, justAbove) : field.zero;
      price[o] = field.sign(lower) > 0 && field.compare(lower, price[o]!) < 0 ? lower : field.zero;
    });
  }
}

/** Just above each capped offer's (cap + 1)-th highest value: no cap can be exceeded there (prices come down from it). */
function fromAbove(customers: readonly (readonly ChoiceItem<number>[])[], caps: readonly number[], field: PerturbedField<number>): Value[] {
  const unpriced = new Prices(field, []);
  const highest = caps.map((cap) => new BidHeap(cap + 1, unpriced, numberKeys));
  customers.forEach((items, c) => items.forEach((item, i) => item.offer >= 0 && highest[item.offer]!.offer(items, i, -1, item.weight, `${c}`)));
  return highest.map((heap, o) => {
    const cut = heap.sorted()[caps[o]!];
    return cut !== undefined ? field.add(heap.value(cut), field.of(0, AFTER_ALL)) : field.zero;
  });
}

/** Every offer's load at the prices and its k-th highest positive bid (k ≤ cap + 1); the choices when asked. */
function market(customers: readonly (readonly ChoiceItem<number>[])[], caps: readonly number[], limits: Limits, field: PerturbedField<number>, price: readonly Value[], keep = false) {
  const prices = new Prices(field, price);
  const load = caps.map(() => 0);
  const bids = caps.map((cap) => new BidHeap(cap + 1, prices, numberKeys));
  const choices: Choice<number>[] | undefined = keep ? [] : undefined;
  customers.forEach((items, c) => {
    const choice = choose(items, prices, limits);
    choices?.push(choice);
    for (const i of choice.kept) if (items[i]!.offer >= 0) load[items[i]!.offer]!++;
    bidCosts(items, choice, limits, field).forEach((j, i) => {
      if (j === undefined) return;
      const real = bidReal(items, choice, i, j);
      if (real > 0 || (real === 0 && field.sign(bid(items, choice, i, j, field)) > 0)) bids[items[i]!.offer]!.offer(items, i, j, real, `${c}`);
    });
  });
  const ranked = bids.map((heap) => heap.sorted());
  return { load, choices, bid: (o: number, k: number) => (ranked[o]![k - 1] !== undefined ? bids[o]!.value(ranked[o]![k - 1]!) : undefined) };
}
