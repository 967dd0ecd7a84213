/**
 * Optimal arbitration — the same result as `arbitrateOptimal` — over
 * candidates streamed customer by customer in a few passes, holding in memory
 * only per-offer state (O(offers² + Σ caps)) and the customers whose choice is
 * contested. The runtime replays the candidates with paged SQL.
 *
 * Caps are priced (a Lagrangian relaxation): at given prices every customer
 * independently takes its best set by score − price.
 *
 * 1. Survey (one pass): offers, caps, the largest score. If no cap binds when
 *    every customer takes its best N, that is optimal: write it out.
 * 2. Price rounds (a pass each): every customer bids for each capped offer the
 *    most it would pay; an offer's price goes to just above its (cap + 1)-th
 *    highest bid. Prices start from above — just above each offer's
 *    (cap + 1)-th highest score, where no cap can be exceeded — and come down;
 *    from 0 they would climb slowly when demand is far above the caps (every
 *    rise pushes customers onto the next offer). If the prices balance every
 *    offer, they prove the choices optimal: write them out.
 * 3. Split (a pass): the customers whose bids are near an offer's cut-off
 *    (ranks cap ± margin) are kept in memory and solved exactly as a min-cost
 *    flow (`arbitration-network.ts`) with the places the others leave; of the
 *    others only loads and their tightest price constraints are kept. If prices
 *    exist that make every other customer's choice its best and prove the
 *    contested optimum (a Bellman-Ford over those constraints), the whole
 *    assignment is optimal. If not, the next split also brings in the customers
 *    behind the contradiction and every customer whose choice is not its best
 *    at the contested optimum's prices.
 * 4. Write out (a pass): contested customers as solved, the others' best sets
 *    at the prices.
 */
import { type ArbitrationSettings, type Assignment, type Candidate } from './arbitration';
import { ArbitrationNetwork } from './arbitration-network';
import { ConstraintSlots, field, LAST, LightKeys, type Key, type Value } from './arbitration-bids';
import { BidHeap } from './bid-heap';
import { bid, bidCosts, bidReal, choose, forEachConstraint, Prices, type Choice, type ChoiceItem, type Limits, type PriceConstraint } from './customer-choice';
import { arbitrationLimits, CappedOffers, choiceItems, toAssignments, usableCandidates } from './optimal-arbitration';
import { PerturbedField } from './perturbed';
import { scoreScale, type ScoreScale } from './score-scale';
import { AFTER_ALL } from './warm-start';

export interface CandidateSource {
  /** Calls `visit` once per customer with all its candidates; the same customers, in the same order, on every call. */
  forEachCustomer(visit: (candidates: readonly Candidate[]) => void): void | Promise<void>;
}

export interface RoundsOptions {
  /** Receives each customer's assignments during the last pass (then none are returned). */
  readonly emit?: (assignments: readonly Assignment[]) => void;
  /** How many bids either side of an offer's cut-off are solved exactly (default 8: on the 200k retail plan 32 gave 1.45 % where 8 gave 1.47 %, at 3.7 times the customers in memory). */
  readonly margin?: number;
  /** Price rounds stop once at most this many places are demanded beyond caps (default margin × capped offers / 8). */
  readonly excessToSolve?: number;
  readonly maxPriceRounds?: number;
  readonly maxRepairs?: number;
  /**
   * At most this many customers in memory for a repair (default: margin × capped offers, at least 1,000); past it the
   * run keeps the last exact solve and reports how close to the optimum it is proven to be instead of certifying it.
   */
  readonly maxContested?: number;
  /** Told after every pass what it was for (for a run's progress report). */
  readonly progress?: (message: string) => void;
}

export interface RoundsResult {
  /** In customer order, each customer's ranked; empty when `emit` was given. */
  readonly assignments: Assignment[];
  readonly passes: number;
  readonly priceRounds: number;
  /** Customers solved in memory. */
  readonly contested: number;
  /** Whether the total is proven optimal (false only if the repairs ran out; every limit holds regardless). */
  readonly certified: boolean;
  /**
   * A proven lower bound on total / optimum: 1 when certified; otherwise the total over the prices' Lagrangian
   * bound (each customer's best at the prices plus every cap times its price), which no assignment can beat.
   */
  readonly provenRatio: number;
}

const JUST_ABOVE = field.of(0, LAST);
/** Rounds without a tenth less excess demand before the exact solve takes over (each round is a pass over every customer). */
const STALLED_ROUNDS = 2;
const PROGRESS = 0.9;

type Pass = (purpose: string, visit: (candidates: readonly Candidate[]) => void) => Promise<void>;

interface Context {
  readonly offers: CappedOffers;
  readonly limits: Limits;
  readonly scale: ScoreScale;
  readonly prices: Prices<Key>;
  /** How bid heaps store keys (offer names interned once per run). */
  readonly bidKeys: LightKeys;
}

export async function arbitrateInRounds(source: CandidateSource, settings: ArbitrationSettings, options: RoundsOptions = {}): Promise<RoundsResult> {
  const limits = arbitrationLimits(settings);
  const margin = Math.max(1, Math.floor(options.margin ?? 8));
  const maxRepairs = options.maxRepairs ?? 8;
  let passes = 0;
  const pass: Pass = async (purpose, visit) => {
    passes++;
    await source.forEachCustomer((candidates) => visit(usableCandidates(candidates)));
    options.progress?.(`pass ${passes}: ${purpose}`);
  };
  const done = async (context: Context, rounds: number, solved: ReadonlyMap<string, readonly Candidate[]>, certified: boolean, room?: number[]) => {
    const { assignments, total, bound } = await writeOut(pass, context, solved, options.emit, room);
    const provenRatio = certified || total >= bound ? 1 : total / bound;
    return { assignments, passes, priceRounds: rounds, contested: solved.size, certified, provenRatio };
  };

  // Pass 1: the capped offers, the score scale, each customer's best N without prices, and where prices start.
  const bidKeys = new LightKeys();
  const first = await survey(pass, limits, bidKeys);
  const { offers, scale } = first;
  const caps = offers.caps;
  const maxContested = options.maxContested ?? Math.max(1_000, margin * caps.length);
  if (!first.capsBind) return done({ offers, limits, scale, prices: first.prices, bidKeys }, 0, new Map(), true);

  const found = await findPrices(pass, { offers, limits, scale, prices: first.prices, bidKeys }, margin, options);
  const { prices, rounds } = found;
  const context = { offers, limits, scale, prices, bidKeys };
  if (!found.bands) return done(context, rounds, new Map(), true);

  // The contested customers: bids within `margin` ranks of an offer's cut-off at the last prices, and those
  // brought in because the others alone would exceed a cap or by a failed certificate.
  const { bands, overload } = found;
  const forced = new Set<string>();
  let solved = new Map<string, readonly Candidate[]>();
  let recheck: readonly Value[] | undefined;
  let pending: Split | undefined;
  for (let repair = 0; ; repair++) {
    const split = pending ?? (await splitCustomers(pass, context, { bands, forced, margin, overload, recheck }));
    pending = undefined;
    const left = caps.map((cap, o) => cap - split.outside[o]!);
    if (left.some((n) => n < 0)) {
      left.forEach((n, o) => n < 0 && split.weakest[o]!.sorted().forEach((slot) => forced.add(split.weakest[o]!.customer(slot))));
      continue;
    }
    const outcome = solveContested(split.contested, left, context, split.slots);
    options.progress?.(`${split.contested.size} contested customers solved exactly: ${outcome.certified ? 'proven optimal' : `${outcome.violated.length} constraint slots contradict`}`);
    solved = outcome.solved;
    if (outcome.certified) return done(context, rounds, solved, true);
    // Next pass, bring in the customers behind the contradiction and every other customer whose choice is not
    // its best at the prices of the contested customers' optimum.
    const blamed = outcome.violated.flatMap((slot) => split.slots.customersOf(slot));
    // Unproven from here on: what the caps still have room for goes to whoever can use it on the way out.
    const room = caps.map((cap, o) => cap - split.outside[o]!);
    for (const kept of solved.values()) {
      for (const c of kept) {
        const offer = offers.indexOf(c.offer);
        if (offer >= 0) room[offer]!--;
      }
    }
    if (repair >= maxRepairs) return done(context, rounds, solved, false, room);
    for (const customer of [...split.contested.keys(), ...blamed]) forced.add(customer);
    recheck = outcome.prices;
    if (forced.size > maxContested) return done(context, rounds, solved, false, room);
    // A repair that would hold too many customers in memory is abandoned at once: the last solve stands.
    const next = await splitCustomers(pass, context, { bands, forced, margin, overload, recheck, limit: maxContested });
    if (next.contested.size > maxContested) return done(context, rounds, solved, false, room);
    pending = next;
  }
}

type Bands = readonly ({ readonly high: Value; readonly low: Value } | undefined)[];

/**
 * Price rounds: each offer's price goes to just above its (cap + 1)-th bid, until the excess demand is small
 * enough for the exact solve or the rounds stop paying off. Then each offer's band of bids around its cut-off
 * and how far its load is over its cap — or no bands when the prices already prove the choices optimal.
 */
async function findPrices(pass: Pass, start: Context, margin: number, options: RoundsOptions) {
  const caps = start.offers.caps;
  const excessToSolve = options.excessToSolve ?? (margin * caps.length) / 8;
  let prices = start.prices;
  let leastExcess = Infinity;
  let stalled = 0;
  for (let rounds = 1; ; rounds++) {
    const { bids, load } = await priceRound(pass, `price round ${rounds}`, { ...start, prices }, margin);
    if (balanced(prices.values, load, caps)) return { prices, rounds, bands: undefined, overload: [] };
    const ranked = bids.map((heap) => heap.sorted());
    const next = caps.map((cap, o) => {
      const cut = ranked[o]![cap];
      return cut === undefined ? field.zero : field.add(bids[o]!.value(cut), JUST_ABOVE);
    });
    // Prices that move only by "just above" terms, or no longer bring the excess down, chase cycles of (nearly)
    // tied customers, bid for bid: the exact solve settles those faster.
    const excess = caps.reduce((sum, cap, o) => sum + (load[o]! > cap || field.sign(prices.values[o]!) > 0 ? Math.abs(load[o]! - cap) : 0), 0);
    if (excess < leastExcess * PROGRESS) stalled = 0;
    else stalled++;
    leastExcess = Math.min(leastExcess, excess);
    options.progress?.(`price round ${rounds}: ${excess} places of excess demand`);
    const settled = next.every((price, o) => field.compare(withoutLast(price), withoutLast(prices.values[o]!)) === 0);
    if (rounds >= (options.maxPriceRounds ?? 25) || settled || stalled >= STALLED_ROUNDS || excess <= excessToSolve) {
      const bands: Bands = caps.map((cap, o) => {
        if (ranked[o]!.length <= cap && field.sign(prices.values[o]!) === 0) return undefined;
        const [high, low] = [Math.max(0, cap - margin), Math.min(ranked[o]!.length, cap + margin) - 1];
        return high > low ? undefined : { high: bids[o]!.value(ranked[o]![high]!), low: bids[o]!.value(ranked[o]![low]!) };
      });
      return { prices, rounds, bands, overload: caps.map((cap, o) => Math.max(0, load[o]! - cap)) };
    }
    prices = new Prices(field, next);
  }
}

/**
 * The first pass: the capped offers and their caps, the largest score, and whether any cap binds when every
 * customer takes its best N. If none does, those choices are optimal (prices 0, unscaled scores: the same
 * order); otherwise prices start just above each capped offer's (cap + 1)-th highest score.
 */
async function survey(pass: Pass, limits: Limits, bidKeys: LightKeys): Promise<{ offers: CappedOffers; scale: ScoreScale; prices: Prices<Key>; capsBind: boolean }> {
  const offers = new CappedOffers();
  let maxScore = 0;
  const unscaled: ScoreScale = (score) => Math.max(0, score);
  const unpriced = new Prices(field, []);
  const load: number[] = [];
  const highest: BidHeap<Key>[] = [];
  await pass('offers, caps and unpriced choices', (candidates) => {
    for (const c of candidates) {
      offers.see(c);
      maxScore = Math.max(maxScore, c.score);
    }
    const items = choiceItems<Key>(candidates, offers, unscaled, limits, (c) => c);
    countLoads(items, choose(items, unpriced, limits), load);
    items.forEach((item, i) => {
      if (item.offer < 0) return;
      const heap = (highest[item.offer] ??= new BidHeap(offers.caps[item.offer]! + 1, unpriced, bidKeys));
      heap.offer(items, i, -1, item.weight, candidates[i]!.customerKey);
    });
  });
  if (offers.caps.every((cap, o) => (load[o] ?? 0) <= cap)) return { offers, scale: unscaled, prices: unpriced, capsBind: false };
  const scale = scoreScale(maxScore);
  const prices = offers.caps.map((cap, o) => {
    const heap = highest[o];
    const cut = heap?.sorted()[cap];
    return cut !== undefined ? field.add({ real: scale(heap!.realPart(cut)), terms: heap!.value(cut).terms }, JUST_ABOVE) : field.zero;
  });
  return { offers, scale, prices: new Prices(field, prices), capsBind: true };
}

/** One pass at the given prices: each offer's load and its `cap + margin` highest positive bids. */
async function priceRound(pass: Pass, purpose: string, context: Context, margin: number) {
  const { offers, prices, bidKeys } = context;
  const bids = offers.caps.map((cap) => new BidHeap(cap + margin, prices, bidKeys));
  const load = offers.caps.map(() => 0);
  await pass(purpose, (candidates) => {
    if (candidates.length === 0) return;
    const customer = candidates[0]!.customerKey;
    const { items, choice, costs } = decide(candidates, context);
    countLoads(items, choice, load);
    costs.forEach((j, i) => {
      if (j === undefined) return;
      const real = bidReal(items, choice, i, j);
      // Only positive bids: a customer bidding nothing never takes the offer.
      if (real > 0 || (real === 0 && field.sign(bid(items, choice, i, j, field)) > 0)) {
        bids[items[i]!.offer]!.offer(items, i, j, real, customer);
      }
    });
  });
  return { bids, load };
}

/**
 * One pass that splits the customers: the contested ones (kept in memory)
 * and the others, decided at the prices, of whom only their loads, the
 * weakest holders of each offer and their price constraints are kept.
 */
async function splitCustomers(pass: Pass, context: Context, split: SplitRule) {
  const { bands, forced, margin, overload } = split;
  const { offers, prices, bidKeys } = context;
  const rechecked = split.recheck && priceDifferences(split.recheck);
  const outside = offers.caps.map(() => 0);
  const weakest = offers.caps.map((_, o) => new BidHeap(margin + overload[o]!, prices, bidKeys, -1));
  const slots = new ConstraintSlots(offers.caps.length);
  const contested = new Map<string, readonly Candidate[]>();
  await pass(`contested customers (${forced.size} brought in)`, (candidates) => {
    if (candidates.length === 0) return;
    const customer = candidates[0]!.customerKey;
    const { items, choice, costs } = decide(candidates, context);
    const near = costs.some((j, i) => {
      const band = j === undefined ? undefined : bands[items[i]!.offer];
      if (band === undefined) return false;
      const real = bidReal(items, choice, i, j!);
      if (real < band.low.real || real > band.high.real) return false;
      const value = bid(items, choice, i, j!, field);
      return field.compare(value, band.low) >= 0 && field.compare(value, band.high) <= 0;
    });
    if (near || forced.has(customer) || (rechecked && !bestAt(rechecked, offers.caps.length, items, choice, context.limits))) {
      if (contested.size <= (split.limit ?? Infinity)) contested.set(customer, candidates);
      return;
    }
    countLoads(items, choice, outside);
    for (const i of choice.kept) {
      const j = costs[i];
      if (j !== undefined) weakest[items[i]!.offer]!.offer(items, i, j, bidReal(items, choice, i, j), customer);
    }
    forEachConstraint(items, choice, context.limits, (x, y, plus, minus) => slots.offer(x, y, plus, minus, customer));
  });
  return { contested, outside, weakest, slots };
}

interface SplitRule {
  readonly bands: Bands;
  readonly forced: ReadonlySet<string>;
  readonly margin: number;
  readonly overload: readonly number[];
  /** Prices at which every customer decided outside must still be choosing its best, or be contested. */
  readonly recheck?: readonly Value[];
  /** Past this many contested customers the split is of no use: it stops collecting (its size then exceeds the limit). */
  readonly limit?: number;
}

type Split = Awaited<ReturnType<typeof splitCustomers>>;

/** price[x] − price[y] for every pair (offer -1: price 0), indexed as constraint slots are. */
function priceDifferences(prices: readonly Value[]): Value[] {
  const at = (o: number) => (o < 0 ? field.zero : prices[o]!);
  const differences: Value[] = [];
  for (let x = -1; x < prices.length; x++) for (let y = -1; y < prices.length; y++) differences.push(field.sub(at(x), at(y)));
  return differences;
}

/** Whether the customer's choice is still its best at the prices whose differences are given. */
function bestAt(differences: readonly Value[], offers: number, items: readonly ChoiceItem<Key>[], choice: Choice<Key>, limits: Limits): boolean {
  let best = true;
  forEachConstraint(items, choice, limits, (x, y, plus, minus) => {
    if (!best) return;
    const difference = differences[(x + 1) * (offers + 1) + (y + 1)]!;
    const real = (plus?.weight ?? 0) - (minus?.weight ?? 0);
    if (difference.real < real) return;
    const value = (item: ChoiceItem<Key> | undefined) => (item ? field.of(item.weight, item.key) : field.zero);
    if (difference.real > real || field.compare(difference, field.sub(value(plus), value(minus))) > 0) best = false;
  });
  return best;
}

/** A customer's items, its best set at the prices and what each capped item would cost it. */
function decide(candidates: readonly Candidate[], { offers, limits, scale, prices }: Context) {
  const items = choiceItems<Key>(candidates, offers, scale, limits, (c) => c);
  const choice = choose(items, prices, limits);
  return { items, choice, costs: bidCosts(items, choice, limits, field) };
}

const withoutLast = (value: Value): Value => ({ real: value.real, terms: value.terms.filter((t) => t.key !== LAST) });

function countLoads(items: readonly ChoiceItem<Key>[], choice: Choice<Key>, load: number[]) {
  for (const i of choice.kept) {
    const offer = items[i]!.offer;
    if (offer >= 0) load[offer] = (load[offer] ?? 0) + 1;
  }
}

/** Every cap respected and every priced offer full: the prices prove the choices optimal. */
function balanced(prices: readonly Value[], load: readonly number[], caps: readonly number[]) {
  return caps.every((cap, o) => load[o]! <= cap && (load[o] === cap || field.sign(prices[o]!) === 0));
}

/** The contested customers' exact optimum with the places left, and whether the outside constraints certify it. */
function solveContested(contested: ReadonlyMap<string, readonly Candidate[]>, left: readonly number[], context: Context, slots: ConstraintSlots) {
  const { scale, offers, limits, prices } = context;
  // Number every tie-break key in play, in the spec's order (equal keys, equal numbers).
  const keys: Key[] = [];
  const collect = (value: Value) => value.terms.forEach((t) => keys.push(t.key));
  for (const candidates of contested.values()) keys.push(...candidates);
  prices.values.forEach(collect);
  const constraints = slots.tightest();
  constraints.forEach((c) => collect(c.bound));
  keys.sort(field.compareKeys);
  const number = new Map<Key, number>();
  keys.forEach((key, i) => {
    const same = i > 0 && field.compareKeys(keys[i - 1]!, key) === 0;
    number.set(key, key === LAST ? AFTER_ALL : same ? number.get(keys[i - 1]!)! : i);
  });
  const numeric = new PerturbedField<number>((a, b) => a - b);
  const renumber = (value: Value) => field.rekey(value, (key) => number.get(key)!);

  const groups = [...contested.values()];
  const network = new ArbitrationNetwork({
    customers: groups.map((candidates) => choiceItems(candidates, offers, scale, limits, (c) => number.get(c)!)),
    caps: left,
    limits,
    prices: prices.values.map(renumber),
    field: numeric,
  });
  const kept = network.solve();
  const solved = new Map(groups.map((candidates, c) => [candidates[0]!.customerKey, candidates.filter((_, i) => kept[c]![i])]));
  // The contested customers' own prices, before the outside constraints move them.
  const byNumber = new Map<number, Key>([...number].map(([key, n]) => [n, key]));
  const own = network.prices().map((price) => numeric.rekey(price, (n) => byNumber.get(n)!));
  const outcome = network.certify(constraints.map((c): PriceConstraint<number> => ({ x: c.x, y: c.y, bound: renumber(c.bound) })));
  return { solved, prices: own, certified: outcome.certified, violated: outcome.certified ? [] : outcome.violated.map((i) => constraints[i]!.slot) };
}

/**
 * The last pass: each customer's kept offers — solved in memory, or its best set at the final prices — with
 * their total and the prices' Lagrangian bound on any assignment's total (scaled scores, real parts).
 */
async function writeOut(
  pass: Pass,
  context: Context,
  solved: ReadonlyMap<string, readonly Candidate[]>,
  emit: ((assignments: readonly Assignment[]) => void) | undefined,
  room: number[] | undefined,
): Promise<{ assignments: Assignment[]; total: number; bound: number }> {
  const { offers, limits, scale, prices } = context;
  const all: Assignment[] = [];
  let total = 0;
  let bound = offers.caps.reduce((sum, cap, o) => sum + cap * prices.price(o).real, 0);
  await pass('write out', (candidates) => {
    if (candidates.length === 0) return;
    const items = choiceItems<Key>(candidates, offers, scale, limits, (c) => c);
    const choice = choose(items, prices, limits);
    for (const i of choice.kept) bound += choice.reduced[i]!.real;
    const contested = solved.get(candidates[0]!.customerKey);
    const kept = contested ?? (room ? useRoom(items, choice.kept, room, limits) : choice.kept).map((i) => candidates[i]!);
    for (const c of kept) total += scale(c.score);
    const assignments = toAssignments(kept);
    if (emit) emit(assignments);
    else all.push(...assignments);
  });
  return { assignments: all, total, bound };
}

/**
 * A customer's best set at the prices, improved with the room the caps have left: a capped item with room
 * takes a free place, or the place of the customer's least valuable item where that is worth less (giving that
 * item's room back). Every limit keeps holding and the total only grows.
 */
function useRoom(items: readonly ChoiceItem<Key>[], chosen: readonly number[], room: number[], limits: Limits): number[] {
  const kept = new Set(chosen);
  const waiting = items
    .map((_, i) => i)
    .filter((i) => !kept.has(i) && items[i]!.offer >= 0 && items[i]!.weight > 0)
    .sort((a, b) => items[b]!.weight - items[a]!.weight || field.compareKeys(items[a]!.key, items[b]!.key));
  const weakest = (inCategory: number | undefined) => {
    let worst = -1;
    for (const j of kept) {
      if (inCategory !== undefined && items[j]!.category !== inCategory) continue;
      if (worst < 0 || items[j]!.weight < items[worst]!.weight) worst = j;
    }
    return worst;
  };
  for (const i of waiting) {
    const { offer, category, weight } = items[i]!;
    if (room[offer]! <= 0) continue;
    const categoryFull = category >= 0 && limits.perCategory !== undefined && [...kept].filter((j) => items[j]!.category === category).length >= limits.perCategory;
    let drop = -1;
    if (categoryFull) drop = weakest(category);
    else if (kept.size >= limits.top) drop = weakest(undefined);
    if ((categoryFull || kept.size >= limits.top) && (drop < 0 || items[drop]!.weight >= weight)) continue;
    if (drop >= 0) {
      kept.delete(drop);
      if (items[drop]!.offer >= 0) room[items[drop]!.offer]!++;
    }
    kept.add(i);
    room[offer]!--;
  }
  return [...kept];
}
