/**
 * A small seeded pseudo-random generator (mulberry32) with the distributions the
 * demo data needs. Math.random is never used: the same seed must give the same
 * database on every machine and every Node version.
 *
 * Streams are derived per entity (`Random.derive(seed, stream, index)`), so a
 * customer's history depends only on the seed and the customer's number — not on
 * batch sizes, on how many customers came before, or on the database engine.
 */
export class Random {
  private state: number;
  /** A spare standard-normal draw (Box–Muller yields two at a time). */
  private spareNormal: number | undefined;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A generator for one entity of one stream, independent of every other. */
  static derive(seed: number, stream: number, index = 0): Random {
    return new Random(mix(mix(mix(seed >>> 0) ^ Math.imul(stream + 1, 0x9e3779b1)) ^ Math.imul(index + 1, 0x85ebca6b)));
  }

  /** Uniform in [0, 1). */
  next(): number {
    // mulberry32 (Tommy Ettinger): 32 bits of state, passes practical statistical tests, very fast.
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** An index drawn with probability proportional to its weight. */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + sd * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }

  /** Lognormal: exp(N(mu, sigma)). Heavy right tail, the classic shape of spend and purchase rates. */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Pareto (type I) with scale `min` and shape `alpha`: a few very large values. */
  pareto(min: number, alpha: number): number {
    return min / Math.pow(1 - this.next(), 1 / alpha);
  }

  /** Geometric count of extra items: 0 with probability 1 - p, 1 with (1 - p)·p, … */
  geometric(p: number, max = Infinity): number {
    let n = 0;
    while (n < max && this.next() < p) n++;
    return n;
  }

  /** A logit-normal value in (0, 1) centred on `mean`; `spread` is the sd on the logit scale. */
  proportion(mean: number, spread: number): number {
    const logit = Math.log(mean / (1 - mean)) + this.normal(0, spread);
    return 1 / (1 + Math.exp(-logit));
  }
}

/** A 32-bit integer hash (murmur3 finaliser), used to derive independent seeds. */
export function mix(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
