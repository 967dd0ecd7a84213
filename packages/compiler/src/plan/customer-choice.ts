/**
 * One customer's side of arbitration, given a price on every capped offer.
 *
 * "Top N, at most K per category" is a laminar matroid, so the customer's best
 * set at given prices is greedy by score − price (taking only what is worth
 * more than nothing), and it is best exactly when no single add, drop or swap
 * improves it. Those local conditions are what optimal arbitration certifies:
 * each compares at most two prices, so they are difference constraints.
 */
import type { Perturbed, PerturbedField } from './perturbed';

/** One of the customer's candidates. */
export interface ChoiceItem<K> {
  /** The scaled score (`score-scale.ts`). */
  readonly weight: number;
  /** Its place in the spec's order: the candidate's tie-break bonus ε^key. */
  readonly key: K;
  /** Index of its capped offer, or -1 for an offer without a cap (price 0). */
  readonly offer: number;
  /** Index of its category among the customer's, or -1 when not limited per category. */
  readonly category: number;
}

export interface Limits {
  readonly top: number;
  readonly perCategory: number | undefined;
}

export interface Choice<K> {
  /** Per item: its value (weight + ε^key) less its offer's price. */
  readonly reduced: readonly Perturbed<K>[];
  readonly chosen: readonly boolean[];
  /** Item indices from the best reduced value down. */
  readonly order: readonly number[];
  /** The chosen items in that order, all and per category. */
  readonly kept: readonly number[];
  readonly keptByCategory: readonly (readonly number[])[];
}

export const itemValue = <K>(item: ChoiceItem<K>, field: PerturbedField<K>) => field.of(item.weight, item.key);

/** A price per capped offer, with its negation at hand (every customer subtracts it). */
export class Prices<K> {
  private readonly negated: readonly Perturbed<K>[];

  constructor(
    readonly field: PerturbedField<K>,
    readonly values: readonly Perturbed<K>[],
  ) {
    this.negated = values.map((value) => field.neg(value));
  }

  price(offer: number): Perturbed<K> {
    return offer < 0 ? this.field.zero : (this.values[offer] ?? this.field.zero);
  }

  /** An item's value less its offer's price. */
  reduced(item: ChoiceItem<K>): Perturbed<K> {
    return this.field.offset(item.offer < 0 ? this.field.zero : (this.negated[item.offer] ?? this.field.zero), item.weight, item.key);
  }
}

const NONE: readonly number[] = [];

/** The customer's best set at the given prices. */
export function choose<K>(items: readonly ChoiceItem<K>[], prices: Prices<K>, limits: Limits): Choice<K> {
  const { field } = prices;
  const reduced = items.map((item) => prices.reduced(item));
  const order = items.map((_, i) => i).sort((a, b) => field.compare(reduced[b]!, reduced[a]!) || field.compareKeys(items[a]!.key, items[b]!.key));
  const chosen = items.map(() => false);
  const kept: number[] = [];
  const keptByCategory: number[][] = [];
  for (const i of order) {
    if (kept.length >= limits.top || field.sign(reduced[i]!) <= 0) break;
    const category = items[i]!.category;
    if (category >= 0) {
      const inCategory = (keptByCategory[category] ??= []);
      if (limits.perCategory !== undefined && inCategory.length >= limits.perCategory) continue;
      inCategory.push(i);
    }
    chosen[i] = true;
    kept.push(i);
  }
  return { reduced, chosen, order, kept, keptByCategory };
}

/**
 * The chosen items a left-out item would have to replace (its fundamental
 * circuit), in order — none when there is room for it; null when a limit of 0
 * keeps it out whatever is chosen.
 */
function displaced<K>(items: readonly ChoiceItem<K>[], choice: Choice<K>, limits: Limits, item: number): readonly number[] | null {
  const category = items[item]!.category;
  const limited = category >= 0 && limits.perCategory !== undefined;
  if (limits.top <= 0 || (limited && limits.perCategory! <= 0)) return null;
  const inCategory = limited ? (choice.keptByCategory[category] ?? NONE) : NONE;
  if (limited && inCategory.length >= limits.perCategory!) return inCategory;
  return choice.kept.length >= limits.top ? choice.kept : NONE;
}

/**
 * For each capped item, what taking it costs the customer at the other offers'
 * prices: the index of the item it would displace, or for a chosen item of the
 * best one that would take its place; -1 when that is nothing, undefined for
 * uncapped items and items a limit of 0 keeps out. The customer's bid for the
 * item — the most it would pay — is its value less that item's reduced value
 * (`bid`); it takes the item exactly when the item's price is below its bid.
 */
export function bidCosts<K>(items: readonly ChoiceItem<K>[], choice: Choice<K>, limits: Limits, field: PerturbedField<K>): (number | undefined)[] {
  return items.map((item, i) => {
    if (item.offer < 0) return undefined;
    if (choice.chosen[i]) {
      // Removing it frees one place overall and one in its category.
      for (const j of choice.order) {
        if (field.sign(choice.reduced[j]!) <= 0) break;
        if (choice.chosen[j]) continue;
        const category = items[j]!.category;
        if (category < 0 || category === item.category || limits.perCategory === undefined || (choice.keptByCategory[category]?.length ?? 0) < limits.perCategory) return j;
      }
      return -1;
    }
    const circuit = displaced(items, choice, limits, i);
    if (circuit === null) return undefined;
    // The circuit comes in order, so its last item is the cheapest to give up.
    return circuit.length > 0 ? circuit[circuit.length - 1]! : -1;
  });
}

/** The real part of item i's bid when taking it costs item j (-1: nothing). */
export const bidReal = <K>(items: readonly ChoiceItem<K>[], choice: Choice<K>, i: number, j: number) => items[i]!.weight - (j < 0 ? 0 : choice.reduced[j]!.real);

/** Item i's bid, exactly. */
export const bid = <K>(items: readonly ChoiceItem<K>[], choice: Choice<K>, i: number, j: number, field: PerturbedField<K>) =>
  field.sub(itemValue(items[i]!, field), j < 0 ? field.zero : choice.reduced[j]!);

/** `price[x] − price[y] ≤ bound`, where offer -1 stands for an uncapped offer (price 0). */
export interface PriceConstraint<K> {
  readonly x: number;
  readonly y: number;
  readonly bound: Perturbed<K>;
}

/**
 * The prices at which this choice stays the customer's best: every chosen item
 * worth its price, no item left out worth taking into a free place, and no swap
 * of a left-out item for one it would displace paying. Each comes as
 * `price[x] − price[y] ≤ value(plus) − value(minus)` (either item may be absent:
 * value 0), so a caller can weigh the real part before building the bound.
 */
export function forEachConstraint<K>(
  items: readonly ChoiceItem<K>[],
  choice: Choice<K>,
  limits: Limits,
  visit: (x: number, y: number, plus: ChoiceItem<K> | undefined, minus: ChoiceItem<K> | undefined) => void,
): void {
  items.forEach((item, i) => {
    if (choice.chosen[i]) {
      if (item.offer >= 0) visit(item.offer, -1, item, undefined);
      return;
    }
    const circuit = displaced(items, choice, limits, i);
    if (circuit === null) return;
    if (circuit.length === 0) {
      if (item.offer >= 0) visit(-1, item.offer, undefined, item);
      return;
    }
    for (const j of circuit) {
      const other = items[j]!;
      if (other.offer >= 0 || item.offer >= 0) visit(other.offer, item.offer, other, item);
    }
  });
}
