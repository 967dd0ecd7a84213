/**
 * Exact numbers of the form `real + Σ coef·ε^key` for an infinitesimal ε > 0,
 * ordered lexicographically: the real part first, then the terms from the most
 * significant key down (an earlier key is a larger power of ε).
 *
 * Optimal arbitration breaks ties by giving every candidate a bonus ε^k, k its
 * place in the spec's order (best score, then offer name, then customer key).
 * With those bonuses no two assignments have the same total, so the optimum is
 * unique: among the assignments with the highest total score, the one that
 * keeps the earliest candidates. Carrying the bonuses symbolically (never as a
 * tiny float) keeps every comparison exact; the real parts are integers (see
 * `score-scale.ts`), so sums of them are exact too.
 *
 *   const field = new PerturbedField<number>((a, b) => a - b);
 *   field.compare(field.of(3, 0), field.of(3, 1)) // 1: ε⁰ outweighs ε¹
 */
export interface Term<K> {
  readonly key: K;
  readonly coef: number;
}

export interface Perturbed<K> {
  readonly real: number;
  /** Sorted by key (most significant first); no zero coefficients. */
  readonly terms: readonly Term<K>[];
}

const NO_TERMS: readonly never[] = [];

export class PerturbedField<K> {
  readonly zero: Perturbed<K> = { real: 0, terms: NO_TERMS };

  constructor(readonly compareKeys: (a: K, b: K) => number) {}

  of(real: number, key?: K, coef = 1): Perturbed<K> {
    return { real, terms: key === undefined ? NO_TERMS : [{ key, coef }] };
  }

  add(a: Perturbed<K>, b: Perturbed<K>): Perturbed<K> {
    return this.combine(a, b, 1);
  }

  sub(a: Perturbed<K>, b: Perturbed<K>): Perturbed<K> {
    return this.combine(a, b, -1);
  }

  /** `base + real + coef·ε^key` in one step (e.g. a candidate's value less a price, without building the value first). */
  offset(base: Perturbed<K>, real: number, key: K, coef = 1): Perturbed<K> {
    const terms: Term<K>[] = [];
    let placed = false;
    for (const t of base.terms) {
      if (!placed) {
        const order = this.compareKeys(key, t.key);
        if (order < 0) {
          terms.push({ key, coef });
          placed = true;
        } else if (order === 0) {
          if (t.coef !== -coef) terms.push({ key, coef: t.coef + coef });
          placed = true;
          continue;
        }
      }
      terms.push(t);
    }
    if (!placed) terms.push({ key, coef });
    return { real: base.real + real, terms };
  }

  neg(a: Perturbed<K>): Perturbed<K> {
    return { real: -a.real, terms: a.terms.map((t) => ({ key: t.key, coef: -t.coef })) };
  }

  compare(a: Perturbed<K>, b: Perturbed<K>): number {
    if (a.real !== b.real) return a.real < b.real ? -1 : 1;
    const [x, y] = [a.terms, b.terms];
    let i = 0;
    let j = 0;
    while (i < x.length || j < y.length) {
      const order = i === x.length ? 1 : j === y.length ? -1 : this.compareKeys(x[i]!.key, y[j]!.key);
      // Coefficients are never zero, so the first key only one side has decides.
      if (order < 0) return x[i]!.coef > 0 ? 1 : -1;
      if (order > 0) return y[j]!.coef > 0 ? -1 : 1;
      if (x[i]!.coef !== y[j]!.coef) return x[i]!.coef > y[j]!.coef ? 1 : -1;
      i++;
      j++;
    }
    return 0;
  }

  sign(a: Perturbed<K>): number {
    if (a.real !== 0) return a.real > 0 ? 1 : -1;
    return a.terms.length === 0 ? 0 : a.terms[0]!.coef > 0 ? 1 : -1;
  }

  max(a: Perturbed<K>, b: Perturbed<K>): Perturbed<K> {
    return this.compare(a, b) >= 0 ? a : b;
  }

  /** The same value with its terms keyed differently (keys must map order-preservingly). */
  rekey<L>(a: Perturbed<K>, map: (key: K) => L): Perturbed<L> {
    return { real: a.real, terms: a.terms.map((t) => ({ key: map(t.key), coef: t.coef })) };
  }

  private combine(a: Perturbed<K>, b: Perturbed<K>, sign: 1 | -1): Perturbed<K> {
    const real = a.real + sign * b.real;
    const [x, y] = [a.terms, b.terms];
    if (y.length === 0) return { real, terms: x };
    if (x.length === 0) return { real, terms: sign === 1 ? y : y.map((t) => ({ key: t.key, coef: -t.coef })) };
    const terms: Term<K>[] = [];
    let i = 0;
    let j = 0;
    while (i < x.length || j < y.length) {
      const order = i === x.length ? 1 : j === y.length ? -1 : this.compareKeys(x[i]!.key, y[j]!.key);
      if (order < 0) terms.push(x[i++]!);
      else if (order > 0) {
        const t = y[j++]!;
        terms.push(sign === 1 ? t : { key: t.key, coef: -t.coef });
      } else {
        const coef = x[i]!.coef + sign * y[j]!.coef;
        if (coef !== 0) terms.push({ key: x[i]!.key, coef });
        i++;
        j++;
      }
    }
    return { real, terms };
  }
}
