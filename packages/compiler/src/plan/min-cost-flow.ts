/**
 * Min-cost flow by successive shortest paths with node potentials, over exact
 * perturbed costs (`perturbed.ts`). It starts from any flow whose residual graph
 * has no negative cycle (a warm start), then moves each node's excess to a node
 * with a deficit along a cheapest path until every node balances; the result is
 * optimal for the balances, and the potentials prove it.
 *
 * Potentials π satisfy π(v) ≤ π(u) + cost(u→v) on every residual edge, so they
 * are also what `extendPotentials` checks further constraints of that form
 * against (a Bellman-Ford from the current potentials).
 */
import type { Perturbed, PerturbedField } from './perturbed';

type Cost = Perturbed<number>;

/** A constraint π(to) ≤ π(from) + cost outside the network. */
export interface ExtraEdge {
  readonly from: number;
  readonly to: number;
  readonly cost: Cost;
}

export class MinCostFlow {
  private readonly head: number[];
  private readonly next: number[] = [];
  private readonly target: number[] = [];
  private readonly capacity: number[] = [];
  private readonly flows: number[] = [];
  private readonly costs: Cost[] = [];
  readonly supply: number[];
  readonly potential: Cost[];

  constructor(
    readonly nodes: number,
    private readonly field: PerturbedField<number>,
  ) {
    this.head = new Array<number>(nodes).fill(-1);
    this.supply = new Array<number>(nodes).fill(0);
    this.potential = new Array<Cost>(nodes).fill(field.zero);
  }

  /** Adds u→v and its reverse; returns the forward edge's id (the reverse is id ^ 1). */
  addEdge(from: number, to: number, capacity: number, cost: Cost): number {
    const id = this.target.length;
    this.link(from, to, capacity, cost);
    this.link(to, from, 0, this.field.neg(cost));
    return id;
  }

  setFlow(edge: number, amount: number): void {
    this.flows[edge] = amount;
    this.flows[edge ^ 1] = -amount;
  }

  flow(edge: number): number {
    return this.flows[edge]!;
  }

  /** Potentials for the current flow from scratch; false if its residual graph has a negative cycle. */
  initPotentials(): boolean {
    this.potential.fill(this.field.zero);
    return this.relax([], Array.from({ length: this.nodes }, (_, v) => v)) === undefined;
  }

  /** Whether the potentials make every residual edge's reduced cost ≥ 0. */
  potentialsValid(): boolean {
    const { field, potential } = this;
    for (let e = 0; e < this.target.length; e++) {
      if (this.residual(e) <= 0) continue;
      const from = this.target[e ^ 1]!;
      if (field.sign(field.sub(field.add(this.costs[e]!, potential[from]!), potential[this.target[e]!]!)) < 0) return false;
    }
    return true;
  }

  /** Moves every excess to a deficit along cheapest paths; throws if some excess cannot go anywhere. */
  solve(): void {
    const excess = [...this.supply];
    for (let e = 0; e < this.target.length; e++) {
      if (this.flows[e]! <= 0) continue;
      excess[this.target[e]!]! += this.flows[e]!;
      excess[this.target[e ^ 1]!]! -= this.flows[e]!;
    }
    for (let source = 0; source < this.nodes; source++) {
      while (excess[source]! > 0) {
        const path = this.cheapestPath(source, (v) => excess[v]! < 0);
        if (!path) throw new Error(`min-cost flow: ${excess[source]} units at node ${source} cannot reach a deficit`);
        let amount = Math.min(excess[source]!, -excess[path.sink]!);
        for (const e of path.edges) amount = Math.min(amount, this.residual(e));
        for (const e of path.edges) this.setFlow(e, this.flows[e]! + amount);
        excess[source]! -= amount;
        excess[path.sink]! += amount;
      }
    }
  }

  /**
   * Lowers the potentials until the extra constraints hold as well. Returns
   * undefined when they do (the potentials are then a certificate for the
   * network and the constraints together), or the indices of the extra edges
   * on a negative cycle when no potentials can satisfy everything.
   */
  extendPotentials(extra: readonly ExtraEdge[]): number[] | undefined {
    return this.relax(extra, [...new Set(extra.map((e) => e.from))]);
  }

  private link(from: number, to: number, capacity: number, cost: Cost) {
    this.target.push(to);
    this.capacity.push(capacity);
    this.flows.push(0);
    this.costs.push(cost);
    this.next.push(this.head[from]!);
    this.head[from] = this.target.length - 1;
  }

  private residual(edge: number): number {
    return this.capacity[edge]! - this.flows[edge]!;
  }

  /** Dijkstra on reduced costs from `source` to the nearest node `isSink` accepts; updates the potentials. */
  private cheapestPath(source: number, isSink: (v: number) => boolean): { sink: number; edges: number[] } | undefined {
    const { field, potential } = this;
    const distance = new Array<Cost | undefined>(this.nodes);
    const via = new Array<number>(this.nodes).fill(-1);
    const settled: number[] = [];
    const done = new Uint8Array(this.nodes);
    const heap = new DistanceHeap(field);
    distance[source] = field.zero;
    heap.push(field.zero, source);
    let sink = -1;
    while (heap.size > 0) {
      const { cost: d, node: u } = heap.pop();
      if (done[u] || d !== distance[u]) continue;
      done[u] = 1;
      settled.push(u);
      if (u !== source && isSink(u)) {
        sink = u;
        break;
      }
      for (let e = this.head[u]!; e >= 0; e = this.next[e]!) {
        if (this.residual(e) <= 0) continue;
        const v = this.target[e]!;
        if (done[v]) continue;
        // Most relaxations fail on the real part alone; build the exact sum only when they may not.
        const real = d.real + this.costs[e]!.real + potential[u]!.real - potential[v]!.real;
        if (distance[v] !== undefined && real > distance[v]!.real) continue;
        const candidate = field.add(d, field.sub(field.add(this.costs[e]!, potential[u]!), potential[v]!));
        if (distance[v] === undefined || field.compare(candidate, distance[v]!) < 0) {
          distance[v] = candidate;
          via[v] = e;
          heap.push(candidate, v);
        }
      }
    }
    if (sink < 0) return undefined;
    // π(v) += d(v) − d(sink) on settled nodes keeps every reduced cost ≥ 0 and makes the path's 0.
    const far = distance[sink]!;
    for (const v of settled) potential[v] = field.add(potential[v]!, field.sub(distance[v]!, far));
    const edges: number[] = [];
    for (let v = sink; v !== source; v = this.target[via[v]! ^ 1]!) edges.push(via[v]!);
    return { sink, edges };
  }

  /** Bellman-Ford (queue-based) from the current potentials; the extra edges on a negative cycle, if any. */
  private relax(extra: readonly ExtraEdge[], start: readonly number[]): number[] | undefined {
    const { field, potential } = this;
    const extraFrom = new Map<number, number[]>();
    extra.forEach((e, i) => extraFrom.set(e.from, [...(extraFrom.get(e.from) ?? []), i]));
    // via ≥ 0: a network edge; via < 0: extra edge −via − 1. steps: edges on the walk that set the potential.
    const via = new Array<number>(this.nodes).fill(0);
    const hasVia = new Uint8Array(this.nodes);
    const steps = new Int32Array(this.nodes);
    const queued = new Uint8Array(this.nodes);
    let queue: number[] = [];
    for (const v of start) if (!queued[v]) (queued[v] = 1), queue.push(v);
    // Without a negative cycle no node is lowered more often than there are nodes.
    const limit = this.nodes * (this.target.length + extra.length + 1);
    let relaxations = 0;
    let cycle: number[] | undefined;
    const lower = (u: number, v: number, cost: Cost, edge: number): boolean => {
      const candidate = field.add(potential[u]!, cost);
      if (field.compare(candidate, potential[v]!) >= 0) return false;
      potential[v] = candidate;
      via[v] = edge;
      hasVia[v] = 1;
      steps[v] = steps[u]! + 1;
      if (!queued[v]) (queued[v] = 1), queue.push(v);
      relaxations++;
      // A walk of `nodes` edges or a cycle among the last-lowering edges means a negative cycle.
      if (steps[v]! >= this.nodes || relaxations % this.nodes === 0) cycle = this.cycleOf(via, hasVia, extra);
      if (!cycle && relaxations > limit) cycle = [];
      return cycle !== undefined;
    };
    let first = 0;
    while (first < queue.length) {
      const u = queue[first++]!;
      queued[u] = 0;
      for (let e = this.head[u]!; e >= 0; e = this.next[e]!) {
        if (this.residual(e) > 0 && lower(u, this.target[e]!, this.costs[e]!, e)) return cycle;
      }
      for (const i of extraFrom.get(u) ?? []) {
        if (lower(u, extra[i]!.to, extra[i]!.cost, -i - 1)) return cycle;
      }
      if (first > 4096 && first * 2 > queue.length) {
        queue = queue.slice(first);
        first = 0;
      }
    }
    return undefined;
  }

  private cycleOf(via: readonly number[], hasVia: Uint8Array, extra: readonly ExtraEdge[]): number[] | undefined {
    const mark = new Int32Array(this.nodes).fill(-1);
    const from = (v: number) => (via[v]! >= 0 ? this.target[via[v]! ^ 1]! : extra[-via[v]! - 1]!.from);
    for (let start = 0; start < this.nodes; start++) {
      let v = start;
      while (v >= 0 && mark[v] === -1 && hasVia[v]) {
        mark[v] = start;
        v = from(v);
      }
      if (v >= 0 && mark[v] === start && hasVia[v]) {
        const cycle: number[] = [];
        let u = v;
        do {
          if (via[u]! < 0) cycle.push(-via[u]! - 1);
          u = from(u);
        } while (u !== v);
        return cycle.length > 0 ? cycle : [];
      }
    }
    return undefined;
  }
}

/** A binary min-heap of (cost, node), ties by node for a deterministic order. */
class DistanceHeap {
  private readonly costs: Cost[] = [];
  private readonly nodes: number[] = [];

  constructor(private readonly field: PerturbedField<number>) {}

  get size() {
    return this.nodes.length;
  }

  push(cost: Cost, node: number) {
    this.costs.push(cost);
    this.nodes.push(node);
    let i = this.nodes.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { cost: Cost; node: number } {
    const top = { cost: this.costs[0]!, node: this.nodes[0]! };
    const lastCost = this.costs.pop()!;
    const lastNode = this.nodes.pop()!;
    if (this.nodes.length > 0) {
      this.costs[0] = lastCost;
      this.nodes[0] = lastNode;
      let i = 0;
      for (;;) {
        const [l, r] = [2 * i + 1, 2 * i + 2];
        let best = i;
        if (l < this.nodes.length && this.less(l, best)) best = l;
        if (r < this.nodes.length && this.less(r, best)) best = r;
        if (best === i) break;
        this.swap(i, best);
        i = best;
      }
    }
    return top;
  }

  private less(a: number, b: number) {
    const order = this.field.compare(this.costs[a]!, this.costs[b]!);
    return order < 0 || (order === 0 && this.nodes[a]! < this.nodes[b]!);
  }

  private swap(a: number, b: number) {
    [this.costs[a], this.costs[b]] = [this.costs[b]!, this.costs[a]!];
    [this.nodes[a], this.nodes[b]] = [this.nodes[b]!, this.nodes[a]!];
  }
}
