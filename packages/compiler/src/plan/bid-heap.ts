/**
 * The highest (or lowest) bids for an offer, as many as asked. A bid keeps
 * its real part and the keys it is made of, and builds its exact value only
 * when a tie on the real part needs it — most bids are turned away on the real
 * part alone, without building anything.
 */
import type { ChoiceItem, Prices } from './customer-choice';
import type { Perturbed } from './perturbed';

/** A customer's bid for a capped item: the item's value less the reduced value of the item taking it would cost. */
export interface Bid<K> {
  readonly real: number;
  readonly customer: string;
  readonly item: K;
  readonly cost: K | undefined;
  readonly costOffer: number;
  exact?: Perturbed<K>;
}

/** Item i's bid, taking it costing item j (-1: nothing), with real part `real`; `copy` makes the key to keep. */
export function makeBid<K>(items: readonly ChoiceItem<K>[], i: number, j: number, real: number, customer: string, copy: (key: K) => K = (key) => key): Bid<K> {
  return { real, customer, item: copy(items[i]!.key), cost: j < 0 ? undefined : copy(items[j]!.key), costOffer: j < 0 ? -1 : items[j]!.offer };
}

export class BidHeap<K> {
  private readonly heap: Bid<K>[] = [];

  /** Bids are valued at these prices (those of the pass that makes them). */
  constructor(
    private readonly size: number,
    private readonly prices: Prices<K>,
    private readonly direction: 1 | -1 = 1,
  ) {}

  get length() {
    return this.heap.length;
  }

  /** Offers a bid with real part `real`; `make` builds it only if it may stay. */
  offer(real: number, make: () => Bid<K>): void {
    if (this.size <= 0) return;
    const full = this.heap.length === this.size;
    if (full && this.direction * (real - this.heap[0]!.real) < 0) return;
    const bid = make();
    if (!full) {
      this.heap.push(bid);
      this.up(this.heap.length - 1);
    } else if (this.worse(this.heap[0]!, bid)) {
      this.heap[0] = bid;
      this.down(0);
    }
  }

  /** Best first. */
  sorted(): Bid<K>[] {
    return [...this.heap].sort((a, b) => this.direction * this.compare(b, a));
  }

  value(bid: Bid<K>): Perturbed<K> {
    if (!bid.exact) {
      // value(item) − (value(cost) − price(cost's offer)); the real part is known.
      const { field } = this.prices;
      let terms = this.prices.price(bid.costOffer);
      if (bid.cost !== undefined) terms = field.offset(terms, 0, bid.cost, -1);
      bid.exact = { real: bid.real, terms: field.offset(terms, 0, bid.item).terms };
    }
    return bid.exact;
  }

  private compare(a: Bid<K>, b: Bid<K>): number {
    return a.real !== b.real ? (a.real < b.real ? -1 : 1) : this.prices.field.compare(this.value(a), this.value(b));
  }

  /** Whether `a` ranks below `b` (the heap keeps its worst on top). */
  private worse(a: Bid<K>, b: Bid<K>) {
    return this.direction * this.compare(a, b) < 0;
  }

  private up(i: number) {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.worse(this.heap[i]!, this.heap[parent]!)) break;
      [this.heap[i], this.heap[parent]] = [this.heap[parent]!, this.heap[i]!];
      i = parent;
    }
  }

  private down(i: number) {
    for (;;) {
      const [l, r] = [2 * i + 1, 2 * i + 2];
      let top = i;
      if (l < this.heap.length && this.worse(this.heap[l]!, this.heap[top]!)) top = l;
      if (r < this.heap.length && this.worse(this.heap[r]!, this.heap[top]!)) top = r;
      if (top === i) return;
      [this.heap[i], this.heap[top]] = [this.heap[top]!, this.heap[i]!];
      i = top;
    }
  }
}
