/**
 * Arbitration against the exact optimum, on many seeded random small instances;
 * the optimum is worked out here by exhaustive search (never by the code under
 * test).
 *
 * The constraints are two matroids over (customer, offer) pairs — per customer
 * "top N, at most K per category" (a laminar matroid) and per offer "at most cap
 * customers" (a partition matroid) — so greedy (`arbitrate`) is exact without
 * binding caps and at least half the optimum with them; the rule it follows ("a
 * capped offer goes to the customers for whom it scores highest") is what costs
 * the rest. Arbitration now maximises the total instead (docs/language.md,
 * "Decisions beyond the spec"): `arbitrateOptimal` in memory and
 * `arbitrateInRounds` streamed must both find the optimum, and of the optimal
 * assignments the one the tie-break names — the earliest candidates in the
 * spec's order (score, offer name, customer key), checked against a second
 * exhaustive search that breaks ties that way.
 */
import { describe, expect, it } from 'vitest';
import {
  arbitrate,
  arbitrateInRounds,
  arbitrateOptimal,
  compareCandidates,
  type ArbitrationSettings,
  type Assignment,
  type Candidate,
  type CandidateSource,
} from '../src/index';
import { seededRandom } from '../../core/test/support/seeded-random';

interface Instance {
  readonly candidates: Candidate[];
  readonly settings: ArbitrationSettings;
}

const INSTANCES = 2000;
const FIRST_SEED = 20_260_001;

function randomInstance(seed: number): Instance {
  const random = seededRandom(seed);
  const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const customers = int(1, 6);
  const offers = int(1, 6);
  const categories = int(0, 3);
  const settings: ArbitrationSettings = { top: int(1, 3), ...(random() < 0.6 ? { perCategory: int(1, 2) } : {}) };
  // Half the instances score from a handful of values (many ties), half from a wide range.
  const scoreHigh = random() < 0.5 ? 4 : 1000;
  const density = 0.4 + 0.6 * random();
  const catalogue = Array.from({ length: offers }, (_, i) => ({
    offer: `o${i + 1}`,
    category: categories === 0 || random() < 0.2 ? null : `k${int(1, categories)}`,
    cap: random() < 0.4 ? null : int(1, 4),
  }));
  const candidates: Candidate[] = [];
  for (let c = 1; c <= customers; c++) {
    for (const offer of catalogue) {
      // Integer scores keep every sum exact, so "optimal" means equal, not close.
      if (random() < density) candidates.push({ customerKey: `u${c}`, ...offer, score: int(1, scoreHigh) });
    }
  }
  return { candidates, settings };
}

/** Every set of one customer's candidates that respects top N and the per-category limit. */
function customerChoices(own: readonly Candidate[], settings: ArbitrationSettings): { offers: string[]; value: number }[] {
  const choices: { offers: string[]; value: number }[] = [];
  for (let mask = 0; mask < 1 << own.length; mask++) {
    const chosen = own.filter((_, i) => mask & (1 << i));
    if (chosen.length > settings.top) continue;
    const perCategory = new Map<string, number>();
    for (const c of chosen) if (c.category !== null) perCategory.set(c.category, (perCategory.get(c.category) ?? 0) + 1);
    if (settings.perCategory !== undefined && [...perCategory.values()].some((n) => n > settings.perCategory!)) continue;
    choices.push({ offers: chosen.map((c) => c.offer), value: chosen.reduce((sum, c) => sum + c.score, 0) });
  }
  return choices;
}

const byCustomer = (candidates: readonly Candidate[]) => {
  const groups = new Map<string, Candidate[]>();
  for (const c of candidates) groups.set(c.customerKey, [...(groups.get(c.customerKey) ?? []), c]);
  return [...groups.values()];
};

/** The exact optimum: customer by customer over every allowed choice, keeping the best total per count of each capped offer given so far. */
function optimum({ candidates, settings }: Instance): number {
  const caps = new Map(candidates.filter((c) => c.cap !== null).map((c) => [c.offer, c.cap!]));
  const capped = [...caps.keys()];
  let states = new Map<string, { used: number[]; value: number }>([['', { used: capped.map(() => 0), value: 0 }]]);
  for (const own of byCustomer(candidates)) {
    const next = new Map<string, { used: number[]; value: number }>();
    for (const state of states.values()) {
      for (const choice of customerChoices(own, settings)) {
        const used = capped.map((offer, i) => state.used[i]! + (choice.offers.includes(offer) ? 1 : 0));
        if (used.some((n, i) => n > caps.get(capped[i]!)!)) continue;
        const key = used.join(',');
        const value = state.value + choice.value;
        if ((next.get(key)?.value ?? -1) < value) next.set(key, { used, value });
      }
    }
    states = next;
  }
  return Math.max(...[...states.values()].map((s) => s.value));
}

/**
 * The optimum the tie-break names: the same search, keeping per state the best
 * (total, chosen set) where of two sets with equal totals the better one has the
 * earliest candidate (in the spec's order) that only one of them contains — a
 * bitmask with the earliest candidate as its highest bit compares exactly so.
 */
/** 150 customers over 6 offers with small caps and few score values: caps bind and ties abound. */
function contendedInstance(seed: number): Instance {
  const random = seededRandom(seed);
  const candidates: Candidate[] = [];
  const offers = Array.from({ length: 6 }, (_, i) => ({ offer: `o${i}`, category: `k${i % 3}`, cap: i < 5 ? 10 + Math.floor(random() * 30) : null }));
  for (let c = 0; c < 150; c++) {
    for (const o of offers) if (random() < 0.6) candidates.push({ customerKey: `c${String(c).padStart(3, '0')}`, ...o, score: 1 + Math.floor(random() * 6) });
  }
  return { candidates, settings: { top: 2, perCategory: 1 } };
}

function tieBrokenOptimum({ candidates, settings }: Instance): { value: number; chosen: string[] } {
  const order = [...candidates].sort(compareCandidates).map((c) => `${c.customerKey}/${c.offer}`);
  const bit = new Map(order.map((pair, i) => [pair, 1n << BigInt(order.length - 1 - i)]));
  const caps = new Map(candidates.filter((c) => c.cap !== null).map((c) => [c.offer, c.cap!]));
  const capped = [...caps.keys()];
  type State = { used: number[]; value: number; mask: bigint };
  const better = (a: State, b: State | undefined) => !b || a.value > b.value || (a.value === b.value && a.mask > b.mask);
  let states = new Map<string, State>([['', { used: capped.map(() => 0), value: 0, mask: 0n }]]);
  for (const own of byCustomer(candidates)) {
    const customer = own[0]!.customerKey;
    const next = new Map<string, State>();
    for (const state of states.values()) {
      for (const choice of customerChoices(own, settings)) {
        const used = capped.map((offer, i) => state.used[i]! + (choice.offers.includes(offer) ? 1 : 0));
        if (used.some((n, i) => n > caps.get(capped[i]!)!)) continue;
        const mask = choice.offers.reduce((m, offer) => m | bit.get(`${customer}/${offer}`)!, state.mask);
        const candidate = { used, value: state.value + choice.value, mask };
        if (better(candidate, next.get(used.join(',')))) next.set(used.join(','), candidate);
      }
    }
    states = next;
  }
  let best: State | undefined;
  for (const state of states.values()) if (better(state, best)) best = state;
  return { value: best!.value, chosen: order.filter((pair) => best!.mask & bit.get(pair)!) };
}

/**
 * Whether caps can matter: some best uncapped choice of some customers would
 * give an offer to more customers than its cap. (Only when every uncapped
 * optimum respects the caps must greedy be exact: with ties, an uncapped
 * optimum that respects them may exist beside greedy's that does not.)
 */
function capsMayBind({ candidates, settings }: Instance): boolean {
  const wanted = new Map<string, number>();
  for (const own of byCustomer(candidates)) {
    const choices = customerChoices(own, settings);
    const best = Math.max(...choices.map((c) => c.value));
    const inSomeBest = new Set(choices.filter((c) => c.value === best).flatMap((c) => c.offers));
    for (const offer of inSomeBest) wanted.set(offer, (wanted.get(offer) ?? 0) + 1);
  }
  return candidates.some((c) => c.cap !== null && (wanted.get(c.offer) ?? 0) > c.cap);
}

/** The spec's order: best score first, ties by offer name, then customer key. */
const precedes = (a: Candidate, b: Candidate) =>
  a.score !== b.score ? a.score > b.score : a.offer !== b.offer ? a.offer < b.offer : a.customerKey < b.customerKey;

/** The limits, and ranks 1, 2, … in score order per customer. */
function expectFeasible(result: readonly Assignment[], { settings }: Instance, label: string) {
  const count = (key: string, counts: Map<string, number>) => counts.set(key, (counts.get(key) ?? 0) + 1).get(key)!;
  const perCustomer = new Map<string, number>();
  const perCategory = new Map<string, number>();
  const perOffer = new Map<string, number>();
  const pairs = new Set<string>();
  for (const a of result) {
    expect(pairs.has(`${a.customerKey}/${a.offer}`), `${label}: ${a.customerKey} gets ${a.offer} twice`).toBe(false);
    pairs.add(`${a.customerKey}/${a.offer}`);
    const rank = count(a.customerKey, perCustomer);
    expect(rank, `${label}: ${a.customerKey} over top`).toBeLessThanOrEqual(settings.top);
    expect(a.rank, `${label}: rank of ${a.customerKey}/${a.offer}`).toBe(rank);
    if (a.category !== null && settings.perCategory !== undefined) {
      expect(count(`${a.customerKey}/${a.category}`, perCategory), `${label}: ${a.customerKey} over ${a.category}`).toBeLessThanOrEqual(settings.perCategory);
    }
    const given = count(a.offer, perOffer);
    if (a.cap !== null) expect(given, `${label}: ${a.offer} over its cap`).toBeLessThanOrEqual(a.cap);
  }
  for (let i = 1; i < result.length; i++) {
    const [before, after] = [result[i - 1]!, result[i]!];
    if (before.customerKey === after.customerKey) expect(precedes(before, after), `${label}: rank order`).toBe(true);
  }
}

/**
 * The greedy rule, checked independently of how `arbitrate` works: every
 * candidate left out is blocked by assignments that come before it in the
 * order (score, offer name, customer key) — its customer's top N, its
 * customer's quota in its category, or its offer's cap. Returns the left-out
 * candidates nothing better blocks.
 */
function unblockedLeftOut(result: readonly Assignment[], { candidates, settings }: Instance): string[] {
  const kept = new Set(result.map((a) => `${a.customerKey}/${a.offer}`));
  return candidates
    .filter((c) => !kept.has(`${c.customerKey}/${c.offer}`))
    .filter((c) => {
      const before = result.filter((a) => precedes(a, c));
      const customerFull = before.filter((a) => a.customerKey === c.customerKey).length >= settings.top;
      const categoryFull =
        c.category !== null &&
        settings.perCategory !== undefined &&
        before.filter((a) => a.customerKey === c.customerKey && a.category === c.category).length >= settings.perCategory;
      const offerFull = c.cap !== null && before.filter((a) => a.offer === c.offer).length >= c.cap;
      return !(customerFull || categoryFull || offerFull);
    })
    .map((c) => `${c.customerKey}/${c.offer}`);
}

const total = (result: readonly Assignment[]) => result.reduce((sum, a) => sum + a.score, 0);

describe('greedy arbitration (`arbitrate`) against the exact optimum', () => {
  it(`keeps every limit, is exact when no cap can bind, and is at least half the optimum (${INSTANCES} random instances)`, () => {
    let worst = { ratio: Infinity, seed: 0, assigned: 0, best: 0 };
    let unbound = 0;
    let belowTarget = 0;
    let ratioSum = 0;
    for (let seed = FIRST_SEED; seed < FIRST_SEED + INSTANCES; seed++) {
      const instance = randomInstance(seed);
      const label = `seed ${seed}`;
      const result = arbitrate(instance.candidates, instance.settings);
      expectFeasible(result, instance, label);
      expect(unblockedLeftOut(result, instance), `${label}: left out though nothing better blocks them`).toEqual([]);
      const assigned = total(result);
      const best = optimum(instance);
      expect(assigned, `${label}: more than the optimum`).toBeLessThanOrEqual(best);
      if (!capsMayBind(instance)) {
        unbound++;
        expect(assigned, `${label}: not optimal though no cap binds`).toBe(best);
      }
      const ratio = best === 0 ? 1 : assigned / best;
      ratioSum += ratio;
      if (ratio < 0.95) belowTarget++;
      if (ratio < worst.ratio) worst = { ratio, seed, assigned, best };
    }
    console.log(
      `arbitrate vs optimum over ${INSTANCES} instances: worst ratio ${worst.ratio.toFixed(4)} (seed ${worst.seed}: ${worst.assigned} of ${worst.best}), ` +
        `mean ${(ratioSum / INSTANCES).toFixed(4)}, ${belowTarget} below 0.95, ${unbound} with no binding cap`,
      JSON.stringify(randomInstance(worst.seed)),
    );
    // Enough instances on both sides of the "cap binds" line for the checks above to mean something.
    expect(unbound).toBeGreaterThan(INSTANCES / 4);
    expect(INSTANCES - unbound).toBeGreaterThan(INSTANCES / 10);
    // The greedy bound for two matroids; 0.95 is out of reach under the greedy rule (next test).
    expect(worst.ratio).toBeGreaterThanOrEqual(0.5);
  });

  it('follows the greedy rule even where it halves the total', () => {
    // Worked by hand. "gold" (cap 1) scores 1 for both a and b; a also likes
    // "silver" as much. The optimum (a: silver, b: gold) totals 2. The rule
    // gives gold to a (tie → customer key), and a, full at top 1, cannot take
    // silver, so b, who lost gold, has no next best: total 1.
    const instance: Instance = {
      candidates: [
        { customerKey: 'a', offer: 'gold', category: null, score: 1, cap: 1 },
        { customerKey: 'b', offer: 'gold', category: null, score: 1, cap: 1 },
        { customerKey: 'a', offer: 'silver', category: null, score: 1, cap: null },
      ],
      settings: { top: 1 },
    };
    expect(optimum(instance)).toBe(2);
    const result = arbitrate(instance.candidates, instance.settings);
    expect(result.map((r) => [r.customerKey, r.offer])).toEqual([['a', 'gold']]);
    expect(total(result) / optimum(instance)).toBe(0.5);
  });
});

const pairs = (result: readonly Assignment[]) => result.map((a) => `${a.customerKey}/${a.offer}`);

/** The candidates as the runtime replays them: per customer, in key order, as fresh objects on every pass. */
function sourceOf(candidates: readonly Candidate[]): CandidateSource & { passes: number } {
  const groups = byCustomer([...candidates].sort((a, b) => (a.customerKey < b.customerKey ? -1 : a.customerKey > b.customerKey ? 1 : 0)));
  return {
    passes: 0,
    forEachCustomer(visit) {
      this.passes++;
      for (const group of groups) visit(group.map((c) => ({ ...c })));
    },
  };
}

describe('optimal arbitration against the exact optimum', () => {
  it(`arbitrateOptimal: keeps every limit, finds the optimum and the assignment the tie-break names (${INSTANCES} random instances)`, () => {
    let unbound = 0;
    let greedyRuleBroken = 0;
    for (let seed = FIRST_SEED; seed < FIRST_SEED + INSTANCES; seed++) {
      const instance = randomInstance(seed);
      const label = `seed ${seed}`;
      const result = arbitrateOptimal(instance.candidates, instance.settings);
      expectFeasible(result, instance, label);
      const named = tieBrokenOptimum(instance);
      expect(named.value, `${label}: the two searches disagree`).toBe(optimum(instance));
      expect(total(result), `${label}: total`).toBe(named.value);
      expect([...pairs(result)].sort(), `${label}: tie-break`).toEqual([...named.chosen].sort());
      if (!capsMayBind(instance)) {
        unbound++;
        expect(result, `${label}: not greedy's result though no cap binds`).toEqual(arbitrate(instance.candidates, instance.settings));
      }
      if (unblockedLeftOut(result, instance).length > 0) greedyRuleBroken++;
    }
    console.log(`arbitrateOptimal over ${INSTANCES} instances: all optimal; ${greedyRuleBroken} break the greedy rule; ${unbound} with no binding cap`);
    expect(unbound).toBeGreaterThan(INSTANCES / 4);
    // The decision: the optimum is not greedy's rule — on some instances it leaves out a candidate nothing better blocks.
    expect(greedyRuleBroken).toBeGreaterThan(0);
  });

  it(`arbitrateInRounds: the same assignments, proven optimal, streamed (${INSTANCES} random instances, two margins)`, async () => {
    let worst = 1;
    let contested = 0;
    let customers = 0;
    for (const margin of [1, 32]) {
      for (let seed = FIRST_SEED; seed < FIRST_SEED + INSTANCES; seed++) {
        const instance = randomInstance(seed);
        const label = `seed ${seed}, margin ${margin}`;
        const source = sourceOf(instance.candidates);
        const result = await arbitrateInRounds(source, instance.settings, { margin });
        expectFeasible(result.assignments, instance, label);
        expect(result.passes, `${label}: passes`).toBe(source.passes);
        const named = tieBrokenOptimum(instance);
        worst = Math.min(worst, named.value === 0 ? 1 : total(result.assignments) / named.value);
        expect(result.certified, `${label}: not proven optimal`).toBe(true);
        expect([...pairs(result.assignments)].sort(), `${label}: not the optimum the tie-break names`).toEqual([...named.chosen].sort());
        if (!capsMayBind(instance)) {
          // No binding cap: one pass to find out, one to write each customer's best N.
          expect(result.passes, `${label}: passes without a binding cap`).toBe(2);
          expect(result.assignments, `${label}: not greedy's result though no cap binds`).toEqual(arbitrate(instance.candidates, instance.settings));
        }
        contested += result.contested;
        customers += byCustomer(instance.candidates).length;
      }
    }
    console.log(`arbitrateInRounds over ${INSTANCES} instances × 2 margins: worst ratio ${worst}; ${contested} of ${customers} customers solved in memory`);
    expect(worst).toBeGreaterThanOrEqual(0.95);
  });

  it('arbitrateInRounds without room to repair: keeps every limit, and the ratio it proves is never more than the true one (200 instances of 150 customers)', async () => {
    let uncertified = 0;
    let worst = 1;
    let worstProven = 1;
    for (let seed = FIRST_SEED; seed < FIRST_SEED + 200; seed++) {
      const instance = contendedInstance(seed);
      const label = `seed ${seed}`;
      const result = await arbitrateInRounds(sourceOf(instance.candidates), instance.settings, { margin: 1, maxRepairs: 0 });
      expectFeasible(result.assignments, instance, label);
      // arbitrateOptimal is exact (the test above checks it against the brute force on small instances).
      const optimum = total(arbitrateOptimal(instance.candidates, instance.settings));
      const ratio = optimum === 0 ? 1 : total(result.assignments) / optimum;
      if (result.certified) expect(ratio, `${label}: certified but not optimal`).toBeCloseTo(1, 9);
      else uncertified++;
      // The proven ratio is a lower bound on the true one (a little slack for the 2⁻³² score steps).
      expect(result.provenRatio, `${label}: proves more than it achieves`).toBeLessThanOrEqual(ratio + 1e-6);
      worst = Math.min(worst, ratio);
      worstProven = Math.min(worstProven, result.provenRatio);
    }
    console.log(`arbitrateInRounds, no repairs: ${uncertified} of 200 not certified; worst ratio ${worst.toFixed(4)}, worst proven ${worstProven.toFixed(4)}`);
    expect(uncertified).toBeGreaterThan(0);
  });
});

describe('optimal arbitration, worked by hand', () => {
  const offer = (customerKey: string, name: string, score: number, cap: number | null = null, category: string | null = null): Candidate => ({
    customerKey,
    offer: name,
    category,
    score,
    cap,
  });
  const stream = async (candidates: Candidate[], settings: ArbitrationSettings) => (await arbitrateInRounds(sourceOf(candidates), settings)).assignments;

  it('gives a capped offer to the customer without an alternative, against the greedy rule', async () => {
    // The instance greedy halves (above): the optimum gives gold to b and silver to a.
    const candidates = [offer('a', 'gold', 1, 1), offer('b', 'gold', 1, 1), offer('a', 'silver', 1)];
    const result = arbitrateOptimal(candidates, { top: 1 });
    expect(pairs(result)).toEqual(['a/silver', 'b/gold']);
    expect(await stream(candidates, { top: 1 })).toEqual(result);
    // a/gold comes before both kept candidates in the spec's order, yet is left out: not greedy's rule.
    expect(unblockedLeftOut(result, { candidates, settings: { top: 1 } })).toEqual(['a/gold']);
  });

  it('gives a capped offer on equal totals to the smallest customer keys', async () => {
    // x (cap 2) scores 5 for all four, y (no cap) 3: any two customers may have x, the total is the same.
    const candidates = ['d', 'b', 'c', 'a'].flatMap((key) => [offer(key, 'x', 5, 2), offer(key, 'y', 3)]);
    const result = arbitrateOptimal(candidates, { top: 1 });
    expect(pairs(result)).toEqual(['a/x', 'b/x', 'c/y', 'd/y']);
    expect(await stream(candidates, { top: 1 })).toEqual(result);
  });

  it('keeps a score at or below zero only in a place left over, as greedy does', async () => {
    // Without caps, each customer's best 2 in the spec's order, whatever the sign.
    const candidates = [offer('a', 'p', 2), offer('a', 'n', -1), offer('a', 'z', 0), offer('b', 'n', -3), offer('b', 'm', -2)];
    const result = arbitrateOptimal(candidates, { top: 2 });
    expect(pairs(result)).toEqual(['a/p', 'a/z', 'b/m', 'b/n']);
    expect(result).toEqual(arbitrate(candidates, { top: 2 }));
    expect(await stream(candidates, { top: 2 })).toEqual(result);
    // p (cap 1) goes where it is worth 4, not to a, whose -1 alternative adds nothing to the total but costs nothing either.
    const capped = [offer('a', 'p', 3, 1), offer('a', 'n', -1), offer('b', 'p', 4, 1)];
    expect(pairs(arbitrateOptimal(capped, { top: 1 }))).toEqual(['a/n', 'b/p']);
    expect(pairs(await stream(capped, { top: 1 }))).toEqual(['a/n', 'b/p']);
  });

  it('counts totals equal up to rounding as equal, so the tie-break decides', async () => {
    // x has cap 1. {a/x, b/z} totals 0.5 + 0.1 = 0.6 and {a/y, b/x} totals 0.4 + 0.2 = 0.6 too, though in
    // floating point the second sum is 0.6000000000000001. Scaled to integers they are equal, and the
    // tie-break keeps the earliest candidate, a/x (the best score).
    expect(0.4 + 0.2).toBeGreaterThan(0.5 + 0.1);
    const candidates = [offer('a', 'x', 0.5, 1), offer('a', 'y', 0.4), offer('b', 'x', 0.2, 1), offer('b', 'z', 0.1)];
    expect(pairs(arbitrateOptimal(candidates, { top: 1 }))).toEqual(['a/x', 'b/z']);
    expect(pairs(await stream(candidates, { top: 1 }))).toEqual(['a/x', 'b/z']);
  });

  it('streams the assignments out per customer, from a source that pages asynchronously', async () => {
    const random = seededRandom(17);
    const candidates: Candidate[] = [];
    for (let c = 0; c < 300; c++) {
      for (const name of ['o1', 'o2', 'o3', 'o4', 'o5']) {
        if (random() < 0.8) candidates.push(offer(`c${String(c).padStart(3, '0')}`, name, 1 + Math.floor(random() * 5), name === 'o5' ? null : 40, `k${name < 'o3' ? 1 : 2}`));
      }
    }
    const settings = { top: 2, perCategory: 1 };
    const groups = byCustomer(candidates);
    const source: CandidateSource = {
      async forEachCustomer(visit) {
        for (let page = 0; page < groups.length; page += 64) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          groups.slice(page, page + 64).forEach((group) => visit(group));
        }
      },
    };
    const emitted: Assignment[][] = [];
    const result = await arbitrateInRounds(source, settings, { emit: (assignments) => emitted.push([...assignments]), margin: 4 });
    expect(result.assignments).toEqual([]);
    expect(result.certified).toBe(true);
    const expected = arbitrateOptimal(candidates, settings);
    expect(emitted.flat()).toEqual(expected);
    expect(emitted.every((group) => group.every((a) => a.customerKey === group[0]!.customerKey))).toBe(true);
    // Caps bind here (40 each for 300 customers), yet only customers near a cut-off were held in memory.
    expect(total(expected)).toBeGreaterThan(total(arbitrate(candidates, settings)));
    expect(result.contested).toBeLessThan(groups.length / 2);
  });
});
