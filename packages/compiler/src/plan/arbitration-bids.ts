/**
 * The tie-break keys `arbitrateInRounds` works with, and what it gathers per
 * offer pair during a pass in memory that does not grow with the number of
 * customers: the tightest price constraints of the customers decided outside
 * the exact solve.
 *
 * Kept keys are light copies (score, offer, customer key) of the candidates,
 * so what is kept does not keep the source's rows alive.
 */
import { compareCandidates, type Candidate } from './arbitration';
import type { BidKeys } from './bid-heap';
import type { ChoiceItem } from './customer-choice';
import { PerturbedField, type Perturbed } from './perturbed';

export type LightKey = Pick<Candidate, 'score' | 'offer' | 'customerKey'>;
/** Sorts after every candidate: "just above" a value. */
export const LAST = Object.freeze({ last: true });
export type Key = LightKey | typeof LAST;
export type Value = Perturbed<Key>;

// compareCandidates reads only the score, offer and customer key.
const compareKeys = (a: Key, b: Key) => (a === b ? 0 : a === LAST ? 1 : b === LAST ? -1 : compareCandidates(a as Candidate, b as Candidate));
export const field = new PerturbedField<Key>(compareKeys);
const isLast = (key: Key): key is typeof LAST => key === LAST;
export const light = (key: Key): Key => (isLast(key) ? key : { score: key.score, offer: key.offer, customerKey: key.customerKey });

/** Light keys as a bid heap stores them: the score, and the offer's name as a number (names are few). */
export class LightKeys implements BidKeys<Key> {
  private readonly names: string[] = [];
  private readonly ids = new Map<string, number>();

  first(key: Key): number {
    return (key as LightKey).score;
  }

  second(key: Key): number {
    const { offer } = key as LightKey;
    let id = this.ids.get(offer);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(offer, id);
      this.names.push(offer);
    }
    return id;
  }

  key(first: number, second: number, customer: string): Key {
    return { score: first, offer: this.names[second]!, customerKey: customer };
  }
}

/** Customers kept per constraint slot, brought in together when the slot is part of a contradiction. */
const SLOT_DEPTH = 3;

interface Bound {
  readonly value: Value;
  readonly customer: string;
}

/**
 * The outside customers' price constraints, one slot per (x, y) pair of
 * offers (-1: uncapped), keeping the tightest few bounds and whose they are.
 */
export class ConstraintSlots {
  private readonly slots: (Bound[] | undefined)[] = [];
  /** Per slot, the real part a bound must not exceed to be kept (the loosest kept, once full). */
  private readonly threshold: Float64Array;

  constructor(private readonly offers: number) {
    this.threshold = new Float64Array((offers + 1) ** 2).fill(Infinity);
  }

  /** The constraint price[x] − price[y] ≤ value(plus) − value(minus). */
  offer(x: number, y: number, plus: ChoiceItem<Key> | undefined, minus: ChoiceItem<Key> | undefined, customer: string): void {
    const slot = (x + 1) * (this.offers + 1) + (y + 1);
    if ((plus?.weight ?? 0) - (minus?.weight ?? 0) > this.threshold[slot]!) return;
    const kept = (this.slots[slot] ??= []);
    const bound = field.sub(boundValue(plus), boundValue(minus));
    if (kept.length === SLOT_DEPTH && field.compare(bound, kept[SLOT_DEPTH - 1]!.value) >= 0) return;
    // A customer counts once per slot (uncapped offers share the slot -1), with its tightest bound.
    const same = kept.findIndex((b) => b.customer === customer);
    if (same >= 0) {
      if (field.compare(bound, kept[same]!.value) >= 0) return;
      kept.splice(same, 1);
    }
    kept.push({ value: bound, customer });
    kept.sort((a, b) => field.compare(a.value, b.value));
    if (kept.length > SLOT_DEPTH) kept.pop();
    if (kept.length === SLOT_DEPTH) this.threshold[slot] = kept[SLOT_DEPTH - 1]!.value.real;
  }

  tightest(): { readonly slot: number; readonly x: number; readonly y: number; readonly bound: Value }[] {
    const all: { slot: number; x: number; y: number; bound: Value }[] = [];
    this.slots.forEach((kept, slot) => {
      if (kept?.length) all.push({ slot, x: Math.floor(slot / (this.offers + 1)) - 1, y: (slot % (this.offers + 1)) - 1, bound: kept[0]!.value });
    });
    return all;
  }

  customersOf(slot: number): string[] {
    return (this.slots[slot] ?? []).map((b) => b.customer);
  }
}

const boundValue = (item: ChoiceItem<Key> | undefined) => (item ? field.of(item.weight, light(item.key)) : field.zero);
