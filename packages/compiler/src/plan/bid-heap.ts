/**
 * The highest (or lowest) bids for an offer, as many as asked, in typed
 * columns: a bid is its real part, the keys of the item it is for and of the
 * item taking it would cost (each packed into two numbers), that cost's offer
 * and the customer. A run keeps about Σ caps of them per pass, so a few dozen
 * bytes each rather than a few objects each is what keeps a capped run's
 * memory small. Exact values are built only when a tie on the real part needs
 * them, and never kept.
 */
import type { ChoiceItem, Prices } from './customer-choice';
import type { Perturbed } from './perturbed';

/** How a heap stores a tie-break key: as two numbers and the bid's customer, and back. */
export interface BidKeys<K> {
  first(key: K): number;
  /** An integer of 32 bits. */
  second(key: K): number;
  key(first: number, second: number, customer: string): K;
}

/** Keys that are numbers already. */
export const numberKeys: BidKeys<number> = { first: (key) => key, second: () => 0, key: (first) => first };

const NO_COST = -2;
const FIRST_CAPACITY = 64;

export class BidHeap<K> {
  /** Slot numbers in heap order, the worst bid on top; slot `size` is where a new bid waits to be compared. */
  private order: Int32Array;
  private real: Float64Array;
  private itemFirst: Float64Array;
  private itemSecond: Int32Array;
  private costFirst: Float64Array;
  private costSecond: Int32Array;
  /** The capped offer whose price the cost carries (-1: none), or NO_COST when taking the item costs nothing. */
  private costOffer: Int32Array;
  private readonly customers: string[] = [];
  /** `value`, bound once: the heap's comparisons run per bid offered. */
  private readonly exactValue = (slot: number) => this.value(slot);
  private count = 0;

  /** Bids are valued at these prices (those of the pass that makes them). */
  constructor(
    private readonly size: number,
    private readonly prices: Prices<K>,
    private readonly keys: BidKeys<K>,
    private readonly direction: 1 | -1 = 1,
  ) {
    const capacity = Math.min(Math.max(0, size), FIRST_CAPACITY) + 1;
    this.order = new Int32Array(capacity);
    this.real = new Float64Array(capacity);
    this.itemFirst = new Float64Array(capacity);
    this.itemSecond = new Int32Array(capacity);
    this.costFirst = new Float64Array(capacity);
    this.costSecond = new Int32Array(capacity);
    this.costOffer = new Int32Array(capacity);
  }

  get length() {
    return this.count;
  }

  /** Offers item i's bid, with real part `real`, taking it costing item j (-1: nothing). */
  offer(items: readonly ChoiceItem<K>[], i: number, j: number, real: number, customer: string): void {
    if (this.size <= 0) return;
    const full = this.count === this.size;
    if (full && this.direction * (real - this.real[this.order[0]!]!) < 0) return;
    if (!full && this.count + 1 >= this.order.length) this.grow();
    const slot = full ? this.size : this.count;
    this.write(slot, items, i, j, real, customer);
    if (!full) {
      this.order[this.count] = slot;
      this.count++;
      this.up(this.count - 1);
    } else if (this.worse(this.order[0]!, slot)) {
      // The new bid takes the place of the worst: its columns move into the worst's slot.
      this.copy(slot, this.order[0]!);
      this.down(0);
    }
  }

  /** Slots, best bid first. */
  sorted(): number[] {
    const slots = Array.from(this.order.subarray(0, this.count));
    const exact = new Map<number, Perturbed<K>>();
    const value = (slot: number) => {
      let v = exact.get(slot);
      if (!v) exact.set(slot, (v = this.value(slot)));
      return v;
    };
    return slots.sort((a, b) => -this.direction * this.compare(a, b, value));
  }

  realPart(slot: number): number {
    return this.real[slot]!;
  }

  customer(slot: number): string {
    return this.customers[slot]!;
  }

  /** value(item) − (value(cost) − price(cost's offer)). */
  value(slot: number): Perturbed<K> {
    const { field } = this.prices;
    const customer = this.customers[slot]!;
    const costOffer = this.costOffer[slot]!;
    let terms = this.prices.price(costOffer === NO_COST ? -1 : costOffer);
    if (costOffer !== NO_COST) terms = field.offset(terms, 0, this.keys.key(this.costFirst[slot]!, this.costSecond[slot]!, customer), -1);
    return { real: this.real[slot]!, terms: field.offset(terms, 0, this.keys.key(this.itemFirst[slot]!, this.itemSecond[slot]!, customer)).terms };
  }

  private write(slot: number, items: readonly ChoiceItem<K>[], i: number, j: number, real: number, customer: string) {
    const item = items[i]!.key;
    this.real[slot] = real;
    this.itemFirst[slot] = this.keys.first(item);
    this.itemSecond[slot] = this.keys.second(item);
    if (j < 0) {
      this.costOffer[slot] = NO_COST;
    } else {
      const cost = items[j]!;
      this.costFirst[slot] = this.keys.first(cost.key);
      this.costSecond[slot] = this.keys.second(cost.key);
      this.costOffer[slot] = cost.offer;
    }
    this.customers[slot] = customer;
  }

  private copy(from: number, to: number) {
    this.real[to] = this.real[from]!;
    this.itemFirst[to] = this.itemFirst[from]!;
    this.itemSecond[to] = this.itemSecond[from]!;
    this.costFirst[to] = this.costFirst[from]!;
    this.costSecond[to] = this.costSecond[from]!;
    this.costOffer[to] = this.costOffer[from]!;
    this.customers[to] = this.customers[from]!;
  }

  /** Room for twice as many bids (at most `size`, plus the waiting slot). */
  private grow() {
    const capacity = Math.min(this.size, 2 * (this.order.length - 1)) + 1;
    const wider = <T extends Int32Array | Float64Array>(column: T): T => {
      const next = new (column.constructor as new (n: number) => T)(capacity);
      next.set(column);
      return next;
    };
    this.order = wider(this.order);
    this.real = wider(this.real);
    this.itemFirst = wider(this.itemFirst);
    this.itemSecond = wider(this.itemSecond);
    this.costFirst = wider(this.costFirst);
    this.costSecond = wider(this.costSecond);
    this.costOffer = wider(this.costOffer);
  }

  /** By real part, then (only on a tie) by exact value; `value` may remember what it builds. */
  private compare(a: number, b: number, value: (slot: number) => Perturbed<K> = this.exactValue): number {
    const ra = this.real[a]!;
    const rb = this.real[b]!;
    return ra !== rb ? (ra < rb ? -1 : 1) : this.prices.field.compare(value(a), value(b));
  }

  /** Whether slot `a` ranks below slot `b` (the heap keeps its worst on top). */
  private worse(a: number, b: number) {
    return this.direction * this.compare(a, b) < 0;
  }

  private up(at: number) {
    const order = this.order;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.worse(order[at]!, order[parent]!)) break;
      [order[at], order[parent]] = [order[parent]!, order[at]!];
      at = parent;
    }
  }

  private down(at: number) {
    const order = this.order;
    for (;;) {
      const [l, r] = [2 * at + 1, 2 * at + 2];
      let top = at;
      if (l < this.count && this.worse(order[l]!, order[top]!)) top = l;
      if (r < this.count && this.worse(order[r]!, order[top]!)) top = r;
      if (top === at) return;
      [order[at], order[top]] = [order[top]!, order[at]!];
      at = top;
    }
  }
}
