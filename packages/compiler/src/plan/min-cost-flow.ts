/**
 * Min-cost flow over exact perturbed costs (`perturbed.ts`: a real part plus
 * tie-break terms), from a warm start: any flow whose residual graph has no
 * negative cycle, given with potentials that prove it.
 *
 * 1. The real parts first (integers, in typed arrays): primal-dual — a
 *    Dijkstra from every node with excess, then as many units as fit along
 *    zero-reduced-cost paths to nodes with a deficit (a blocking flow), again
 *    until every node balances. Ties make those batches large.
 * 2. Then the tie-break terms, among the flows with that least real cost (they
 *    differ by cycles of zero-reduced-cost residual edges): the edges given in
 *    order of significance are each put in use if a cycle through them exists
 *    (else fixed out), which gives the least perturbed cost exactly.
 * 3. Perturbed potentials that prove it, on request: Bellman-Ford from the real
 *    ones. They satisfy π(v) ≤ π(u) + cost(u→v) on every residual edge, and
 *    `extendPotentials` checks further constraints of that form against them.
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
  private readonly head: Int32Array;
  private readonly next: number[] = [];
  private readonly target: number[] = [];
  private readonly capacity: number[] = [];
  private readonly flows: number[] = [];
  private readonly costs: Cost[] = [];
  /** The costs' real parts, read in the hot loops. */
  private readonly realCosts: number[] = [];
  readonly supply: number[];
  /** Perturbed potentials: set with the warm start; exact again after `solve` once `settlePotentials` ran. */
  readonly potential: Cost[];
  private real: Float64Array = new Float64Array(0);

  constructor(
    readonly nodes: number,
    private readonly field: PerturbedField<number>,
  ) {
    this.head = new Int32Array(nodes).fill(-1);
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

  /** Whether the potentials make every residual edge's reduced cost ≥ 0. */
  potentialsValid(): boolean {
    const { field, potential } = this;
    for (let e = 0; e < this.target.length; e++) {
      if (this.residual(e) <= 0) continue;
      if (field.sign(field.sub(field.add(this.costs[e]!, potential[this.source(e)]!), potential[this.target[e]!]!)) < 0) return false;
    }
    return true;
  }

  /** Potentials for the current flow from scratch; false if its residual graph has a negative cycle. */
  initPotentials(): boolean {
    this.potential.fill(this.field.zero);
    return this.relax([], Array.from({ length: this.nodes }, (_, v) => v)) === undefined;
  }

  /**
   * Balances every node at the least perturbed cost, from the warm start (the
   * potentials must be valid for it). `order`: the edges whose costs carry
   * tie-break terms, most significant first.
   */
  solve(order: readonly number[]): void {
    this.real = Float64Array.from(this.potential, (p) => p.real);
    this.balanceReals();
    this.breakTies(order);
  }

  /** Perturbed potentials for the solved flow (Bellman-Ford from the real ones). */
  settlePotentials(): void {
    this.real.forEach((real, v) => (this.potential[v] = { real, terms: [] }));
    const cycle = this.relax([], Array.from({ length: this.nodes }, (_, v) => v));
    if (cycle !== undefined) throw new Error('min-cost flow: the solved flow is not optimal');
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
    this.realCosts.push(cost.real);
    this.next.push(this.head[from]!);
    this.head[from] = this.target.length - 1;
  }

  private residual(edge: number): number {
    return this.capacity[edge]! - this.flows[edge]!;
  }

  private source(edge: number): number {
    return this.target[edge ^ 1]!;
  }

  /** The real part of an edge's reduced cost under the real potentials (an exact integer). */
  private reducedReal(edge: number): number {
    return this.realCosts[edge]! + this.real[this.source(edge)]! - this.real[this.target[edge]!]!;
  }

  private excesses(): Float64Array {
    const excess = Float64Array.from(this.supply);
    for (let e = 0; e < this.target.length; e++) {
      if (this.flows[e]! <= 0) continue;
      excess[this.target[e]!]! += this.flows[e]!;
      excess[this.source(e)]! -= this.flows[e]!;
    }
    return excess;
  }

  /** Step 1: primal-dual on the real parts until every node balances. */
  private balanceReals(): void {
    const { nodes, real } = this;
    const excess = this.excesses();
    const distance = new Float64Array(nodes);
    const done = new Uint8Array(nodes);
    const heap = new NumberHeap();
    for (;;) {
      distance.fill(Infinity);
      done.fill(0);
      let sources = 0;
      for (let v = 0; v < nodes; v++) if (excess[v]! > 0) (distance[v] = 0), heap.push(0, v), sources++;
      if (sources === 0) return;
      let reach = Infinity;
      while (heap.size > 0) {
        const [d, u] = heap.pop();
        if (done[u] || d > distance[u]!) continue;
        if (d > reach) break;
        done[u] = 1;
        if (excess[u]! < 0) {
          reach = Math.min(reach, d);
          continue;
        }
        for (let e = this.head[u]!; e >= 0; e = this.next[e]!) {
          if (this.residual(e) <= 0) continue;
          const v = this.target[e]!;
          const candidate = d + this.reducedReal(e);
          if (candidate < distance[v]!) (distance[v] = candidate), heap.push(candidate, v);
        }
      }
      heap.clear();
      if (reach === Infinity) throw new Error('min-cost flow: an excess cannot reach any deficit');
      for (let v = 0; v < nodes; v++) real[v]! += Math.min(distance[v]!, reach);
      this.pushAlongTightPaths(excess);
    }
  }

  /** A blocking flow (Dinic) from nodes with excess to nodes with a deficit along zero-reduced-cost edges. */
  private pushAlongTightPaths(excess: Float64Array): void {
    const { nodes } = this;
    const level = new Int32Array(nodes);
    const arc = new Int32Array(nodes);
    const queue = new Int32Array(nodes);
    const stack: number[] = [];
    const tight = (e: number) => this.residual(e) > 0 && this.reducedReal(e) === 0;
    for (;;) {
      // Levels from every node with excess, so that the search below only goes forward (no zero-cost cycles).
      level.fill(-1);
      let [first, last] = [0, 0];
      for (let v = 0; v < nodes; v++) if (excess[v]! > 0) (level[v] = 0), (queue[last++] = v);
      let reached = false;
      while (first < last) {
        const u = queue[first++]!;
        if (excess[u]! < 0) reached = true;
        for (let e = this.head[u]!; e >= 0; e = this.next[e]!) {
          const v = this.target[e]!;
          if (level[v] < 0 && tight(e)) (level[v] = level[u]! + 1), (queue[last++] = v);
        }
      }
      if (!reached) return;
      arc.set(this.head);
      for (let s = 0; s < nodes; s++) {
        while (excess[s]! > 0 && level[s] === 0) {
          // Depth-first along level-increasing tight edges; a node found to lead nowhere is left out (level -1).
          stack.length = 0;
          let u = s;
          while (excess[u]! >= 0 || u === s) {
            let e = arc[u]!;
            while (e >= 0 && !(level[this.target[e]!] === level[u]! + 1 && tight(e))) e = this.next[e]!;
            arc[u] = e;
            if (e >= 0) {
              stack.push(e);
              u = this.target[e]!;
              continue;
            }
            level[u] = -1;
            if (stack.length === 0) break;
            const back = stack.pop()!;
            u = this.source(back);
            arc[u] = this.next[arc[u]!]!;
          }
          if (stack.length === 0) break;
          let amount = Math.min(excess[s]!, -excess[u]!);
          for (const e of stack) amount = Math.min(amount, this.residual(e));
          for (const e of stack) this.setFlow(e, this.flows[e]! + amount);
          excess[s]! -= amount;
          excess[u]! += amount;
        }
      }
    }
  }

  /** Step 2: the least perturbed cost among the least-real-cost flows, edge by edge in order of significance. */
  private breakTies(order: readonly number[]): void {
    const { nodes } = this;
    // Potentials stay put here, so which edges cost nothing (in real terms) is fixed; whether they have room changes.
    const free = Uint8Array.from(this.target, (_, e) => (this.reducedReal(e) === 0 ? 1 : 0));
    const usable = (e: number) => free[e] === 1 && this.residual(e) > 0;
    // Pushing around a cycle keeps every strongly connected component as it is and fixing edges only cuts, so an
    // edge between two components of the start is on no cycle, and a cycle never leaves its component.
    const component = this.components(usable);
    const fixed = new Uint8Array(this.target.length >> 1);
    const via = new Int32Array(nodes);
    const queue = new Int32Array(nodes);
    // Edges share few heads (the offers and T). What a search from a head reached stays a superset of what it can
    // reach until the next push (fixing edges only cuts): a tail outside it needs no new search.
    const reached = new Map<number, { pushes: number; search: number; seen: Int32Array }>();
    let pushes = 0;
    let searches = 0;
    for (const edge of order) {
      fixed[edge >> 1] = 1;
      const [from, to] = [this.source(edge), this.target[edge]!];
      // Out of use at no real cost, and some cycle of such edges comes back to it: put it in use.
      if (!usable(edge) || component[from] !== component[to]) continue;
      let known = reached.get(to);
      if (known && known.pushes === pushes && known.seen[from] !== known.search) continue;
      if (!known) reached.set(to, (known = { pushes, search: 0, seen: new Int32Array(nodes) }));
      const { seen } = known;
      const search = (known.search = ++searches);
      known.pushes = pushes;
      let [first, last] = [0, 0];
      queue[last++] = to;
      seen[to] = search;
      while (first < last && seen[from] !== search) {
        const u = queue[first++]!;
        for (let e = this.head[u]!; e >= 0; e = this.next[e]!) {
          const v = this.target[e]!;
          if (seen[v] === search || component[v] !== component[to] || fixed[e >> 1] || !usable(e)) continue;
          seen[v] = search;
          via[v] = e;
          queue[last++] = v;
        }
      }
      if (seen[from] !== search) continue;
      this.setFlow(edge, this.flows[edge]! + 1);
      for (let v = from; v !== to; v = this.source(via[v]!)) this.setFlow(via[v]!, this.flows[via[v]!]! + 1);
      pushes++;
    }
  }

  /** Strongly connected components over the edges `usable` accepts (Tarjan's, without recursion). */
  private components(usable: (edge: number) => boolean): Int32Array {
    const { nodes } = this;
    const index = new Int32Array(nodes).fill(-1);
    const low = new Int32Array(nodes);
    const component = new Int32Array(nodes).fill(-1);
    const arc = Int32Array.from(this.head);
    const onStack = new Uint8Array(nodes);
    const stack: number[] = [];
    const path: number[] = [];
    let counter = 0;
    let components = 0;
    for (let root = 0; root < nodes; root++) {
      if (index[root] !== -1) continue;
      path.push(root);
      index[root] = low[root] = counter++;
      stack.push(root);
      onStack[root] = 1;
      while (path.length > 0) {
        const u = path[path.length - 1]!;
        const e = arc[u]!;
        if (e >= 0) {
          arc[u] = this.next[e]!;
          if (!usable(e)) continue;
          const v = this.target[e]!;
          if (index[v] === -1) {
            index[v] = low[v] = counter++;
            stack.push(v);
            onStack[v] = 1;
            path.push(v);
          } else if (onStack[v]) low[u] = Math.min(low[u]!, index[v]!);
          continue;
        }
        path.pop();
        if (path.length > 0) {
          const parent = path[path.length - 1]!;
          low[parent] = Math.min(low[parent]!, low[u]!);
        }
        if (low[u] === index[u]) {
          let v: number;
          do {
            v = stack.pop()!;
            onStack[v] = 0;
            component[v] = components;
          } while (v !== u);
          components++;
        }
      }
    }
    return component;
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
        // The real part alone rules most edges out.
        if (this.residual(e) <= 0 || potential[u]!.real + this.realCosts[e]! > potential[this.target[e]!]!.real) continue;
        if (lower(u, this.target[e]!, this.costs[e]!, e)) return cycle;
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
    const from = (v: number) => (via[v]! >= 0 ? this.source(via[v]!) : extra[-via[v]! - 1]!.from);
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
        return cycle;
      }
    }
    return undefined;
  }
}

/** A binary min-heap of (distance, node). */
class NumberHeap {
  private readonly keys: number[] = [];
  private readonly nodes: number[] = [];

  get size() {
    return this.nodes.length;
  }

  clear() {
    this.keys.length = 0;
    this.nodes.length = 0;
  }

  push(key: number, node: number) {
    const { keys, nodes } = this;
    let i = nodes.length;
    keys.push(key);
    nodes.push(node);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[i] = keys[parent]!;
      nodes[i] = nodes[parent]!;
      i = parent;
    }
    keys[i] = key;
    nodes[i] = node;
  }

  pop(): [number, number] {
    const { keys, nodes } = this;
    const top: [number, number] = [keys[0]!, nodes[0]!];
    const key = keys.pop()!;
    const node = nodes.pop()!;
    if (nodes.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= nodes.length) break;
        const child = l + 1 < nodes.length && keys[l + 1]! < keys[l]! ? l + 1 : l;
        if (keys[child]! >= key) break;
        keys[i] = keys[child]!;
        nodes[i] = nodes[child]!;
        i = child;
      }
      keys[i] = key;
      nodes[i] = node;
    }
    return top;
  }
}
