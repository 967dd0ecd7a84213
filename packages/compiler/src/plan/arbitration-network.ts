/**
 * Arbitration among a set of customers as one exact min-cost flow:
 *
 *   S ─(top N)─► customer ─(K)─► (customer, category) ─(1, −value)─► offer ─(cap)─► T
 *   S ──────────────────────────(unused places)───────────────────────────────────► T
 *
 * (an item without a limited category hangs off the customer node; an item of
 * an uncapped offer goes straight to T). Both families of limits are laminar,
 * so the optimum of the linear programme is integral and the flow is it. Item
 * values carry the tie-break bonus, so the optimum is unique.
 *
 * The solve starts warm: every customer takes its best set at prices found
 * in memory (`warm-start.ts`); only the offers that end up over their cap are
 * then relieved, along cheapest paths. The potentials at the end are prices
 * that prove optimality: q(offer) = π(T) − π(offer).
 */
import type { Choice, ChoiceItem, Limits, PriceConstraint } from './customer-choice';
import { MinCostFlow, type ExtraEdge } from './min-cost-flow';
import type { Perturbed, PerturbedField } from './perturbed';
import { warmStart } from './warm-start';

type Value = Perturbed<number>;

export interface NetworkProblem {
  readonly customers: readonly (readonly ChoiceItem<number>[])[];
  /** Per capped offer: how many customers of this set may still have it. */
  readonly caps: readonly number[];
  readonly limits: Limits;
  /** Prices to start from (per capped offer); 0 when left out. */
  readonly prices?: readonly Value[];
  readonly field: PerturbedField<number>;
}

const SOURCE = 0;
const SINK = 1;
const offerNode = (offer: number) => (offer < 0 ? SINK : 2 + offer);

export class ArbitrationNetwork {
  private readonly flow: MinCostFlow;
  private readonly itemEdges: number[][];
  private settled = false;

  constructor(private readonly problem: NetworkProblem) {
    const { customers, caps, limits, field } = problem;
    const categoryCount = customers.map((items) => 1 + Math.max(-1, ...items.map((item) => item.category)));
    const nodes = 2 + caps.length + customers.reduce((sum, _, c) => sum + 1 + categoryCount[c]!, 0);
    const flow = new MinCostFlow(nodes, field);
    const places = customers.length * Math.max(0, limits.top);
    flow.supply[SOURCE] = places;
    flow.supply[SINK] = -places;
    const { choices, prices } = warmStart(customers, caps, limits, field, problem.prices);
    // Potentials for the start (π(S) = π(T) = 0, π(offer) = −price, each customer's thresholds), unless inconsistent.
    let consistent = true;
    caps.forEach((_, o) => (flow.potential[offerNode(o)] = field.neg(prices[o]!)));
    const load = caps.map(() => 0);
    let used = 0;
    let node = 2 + caps.length;
    this.itemEdges = customers.map((items, c) => {
      const choice = choices[c]!;
      const customer = node++;
      const categories = Array.from({ length: categoryCount[c]! }, () => node++);
      const own = thresholds(items, choice, categoryCount[c]!, limits, field);
      if (own) {
        flow.potential[customer] = own.customer;
        categories.forEach((category, k) => (flow.potential[category] = own.categories[k]!));
      } else consistent = false;
      flow.setFlow(flow.addEdge(SOURCE, customer, Math.max(0, limits.top), field.zero), choice.kept.length);
      used += choice.kept.length;
      categories.forEach((category, k) => {
        flow.setFlow(flow.addEdge(customer, category, limits.perCategory ?? Infinity, field.zero), choice.keptByCategory[k]?.length ?? 0);
      });
      return items.map((item, i) => {
        const from = item.category >= 0 ? categories[item.category]! : customer;
        const edge = flow.addEdge(from, offerNode(item.offer), 1, field.neg(field.of(item.weight, item.key)));
        if (choice.chosen[i]) {
          flow.setFlow(edge, 1);
          if (item.offer >= 0) load[item.offer]!++;
        }
        return edge;
      });
    });
    // What a cap cannot take stays at the offer as excess for the solve to move.
    caps.forEach((cap, o) => flow.setFlow(flow.addEdge(offerNode(o), SINK, cap, field.zero), Math.min(cap, load[o]!)));
    flow.setFlow(flow.addEdge(SOURCE, SINK, places, field.zero), places - used);
    if (!(consistent && flow.potentialsValid()) && !flow.initPotentials()) throw new Error('arbitration network: the warm start is not optimal for its own loads');
    this.flow = flow;
  }

  /** The optimum: per customer, per item, whether it is kept. */
  solve(): boolean[][] {
    // The tie-break keys are the items' places in the spec's order: the most significant first.
    const edges = this.itemEdges.flatMap((edges, c) => edges.map((edge, i) => ({ edge, key: this.problem.customers[c]![i]!.key })));
    this.flow.solve(edges.sort((a, b) => a.key - b.key).map((e) => e.edge));
    return this.itemEdges.map((edges) => edges.map((edge) => this.flow.flow(edge) === 1));
  }

  /** Prices that prove the optimum (once `solve` ran): q(offer) = π(T) − π(offer). */
  prices(): Value[] {
    this.settle();
    const { field } = this.problem;
    const sink = this.flow.potential[SINK]!;
    return this.problem.caps.map((_, o) => field.sub(sink, this.flow.potential[offerNode(o)]!));
  }

  /**
   * Whether prices exist that prove this set's optimum optimal together with
   * the constraints (`price[x] − price[y] ≤ bound`) of customers outside it —
   * then the whole assignment is optimal. If not, the indices of constraints
   * on a contradiction (an empty list when the contradiction involves none).
   */
  certify(constraints: readonly PriceConstraint<number>[]): { readonly certified: true } | { readonly certified: false; readonly violated: number[] } {
    this.settle();
    const { field, caps } = this.problem;
    // q_x − q_y ≤ b  ⇔  π(y) ≤ π(x) + b, with q_o = π(T) − π(o); and every price ≥ 0.
    const extra: ExtraEdge[] = constraints.map((c) => ({ from: offerNode(c.x), to: offerNode(c.y), cost: c.bound }));
    caps.forEach((_, o) => extra.push({ from: SINK, to: offerNode(o), cost: field.zero }));
    const cycle = this.flow.extendPotentials(extra);
    if (cycle === undefined) return { certified: true };
    return { certified: false, violated: cycle.filter((i) => i < constraints.length) };
  }

  private settle() {
    if (!this.settled) this.flow.settlePotentials();
    this.settled = true;
  }
}

/**
 * A customer's node potentials for its best set at the warm prices: the
 * customer's and each category's threshold, between the reduced values of what
 * it keeps and what it leaves out (a kept item at least the threshold, a
 * left-out one at most, a full limit lifting its threshold above 0). Undefined
 * if the set is not best (it always is; the solve then falls back to searching).
 */
function thresholds(items: readonly ChoiceItem<number>[], choice: Choice<number>, categories: number, limits: Limits, field: PerturbedField<number>) {
  const max = (a: Value | undefined, b: Value | undefined) => (a === undefined || (b !== undefined && field.compare(b, a) > 0) ? b : a);
  const min = (a: Value | undefined, b: Value | undefined) => (a === undefined || (b !== undefined && field.compare(b, a) < 0) ? b : a);
  const leftOut: (Value | undefined)[] = new Array(categories);
  const kept: (Value | undefined)[] = new Array(categories);
  let low = choice.kept.length > 0 ? field.zero : undefined;
  let high = choice.kept.length < limits.top ? field.zero : undefined;
  items.forEach((item, i) => {
    const reduced = choice.reduced[i]!;
    const k = item.category;
    if (k < 0) [low, high] = choice.chosen[i] ? [low, min(high, reduced)] : [max(low, reduced), high];
    else if (choice.chosen[i]) kept[k] = min(kept[k], reduced);
    else leftOut[k] = max(leftOut[k], reduced);
  });
  const limit = limits.perCategory ?? Infinity;
  const count = (k: number) => choice.keptByCategory[k]?.length ?? 0;
  for (let k = 0; k < categories; k++) {
    if (count(k) < limit) low = max(low, leftOut[k]);
    if (count(k) > 0) high = min(high, kept[k]);
  }
  if (low && high && field.compare(low, high) > 0) return undefined;
  const customer = low ?? high ?? field.zero;
  const own: Value[] = [];
  for (let k = 0; k < categories; k++) {
    const from = max(leftOut[k], count(k) > 0 ? customer : undefined);
    const to = min(kept[k], count(k) < limit ? customer : undefined);
    if (from && to && field.compare(from, to) > 0) return undefined;
    own.push(from ?? to ?? customer);
  }
  return { customer, categories: own };
}
