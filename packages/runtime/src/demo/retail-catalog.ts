/**
 * The fixed reference data of the retail demo: categories with their price
 * ranges and brands, the product catalogue, the supplier-funded coupon
 * catalogue, places and first names. Everything is derived from the seed, so
 * two databases generated with the same seed share one catalogue.
 */
import { Random } from './random';

export interface CategorySpec {
  readonly name: string;
  readonly prefix: string;
  /** Share of all purchases, before customers' favourites skew it. */
  readonly popularity: number;
  readonly priceMin: number;
  readonly priceMax: number;
  /** Consumables are bought several at a time and more often. */
  readonly consumable: boolean;
  readonly brands: readonly string[];
  readonly items: readonly string[];
}

/** The eight categories of the model's `text in (…)` enumeration. */
export const CATEGORIES: readonly CategorySpec[] = [
  {
    name: 'Baby', prefix: 'BAB', popularity: 0.11, priceMin: 4, priceMax: 90, consumable: true,
    brands: ['Little Sprout', 'Huggly', 'NestBaby', 'Bambino Co', 'Cloud Nine Baby'],
    items: ['nappies', 'baby wipes', 'formula', 'bottle set', 'teething ring', 'swaddle', 'baby shampoo', 'nappy cream', 'onesie', 'pram liner'],
  },
  {
    name: 'Toys', prefix: 'TOY', popularity: 0.1, priceMin: 8, priceMax: 110, consumable: false,
    brands: ['Brickworks', 'Playful Panda', 'Kidzone', 'Tiny Tinkers'],
    items: ['building set', 'plush bear', 'puzzle', 'toy car', 'board game', 'doll house', 'craft kit', 'water blaster'],
  },
  {
    name: 'Health & Beauty', prefix: 'HBT', popularity: 0.16, priceMin: 4, priceMax: 80, consumable: true,
    brands: ['Glow Lab', 'PureLeaf', 'Dermacare', 'Sunsafe', 'Vita+'],
    items: ['moisturiser', 'sunscreen SPF50', 'shampoo', 'conditioner', 'vitamin C', 'toothpaste', 'lip balm', 'face serum', 'body wash'],
  },
  {
    name: 'Outdoor', prefix: 'OUT', popularity: 0.09, priceMin: 15, priceMax: 220, consumable: false,
    brands: ['Trailhead', 'Bushline', 'Southern Cross Gear', 'Ridgeback'],
    items: ['tent', 'sleeping bag', 'camp chair', 'head torch', 'cooler box', 'hiking pack', 'water bottle', 'gas stove'],
  },
  {
    name: 'Sports', prefix: 'SPT', popularity: 0.1, priceMin: 10, priceMax: 180, consumable: false,
    brands: ['Apex Athletic', 'Kinetic', 'Baseline', 'Surfline Sports'],
    items: ['yoga mat', 'dumbbells', 'football', 'cricket bat', 'swim goggles', 'tennis racquet', 'gym towel', 'skipping rope'],
  },
  {
    name: 'Footwear', prefix: 'FTW', popularity: 0.1, priceMin: 30, priceMax: 180, consumable: false,
    brands: ['Stride', 'Coastal Soles', 'Urban Step', 'Kinetic'],
    items: ['running shoes', 'sandals', 'school shoes', 'boots', 'slippers', 'sneakers', 'thongs'],
  },
  {
    name: 'Home', prefix: 'HOM', popularity: 0.16, priceMin: 6, priceMax: 320, consumable: false,
    brands: ['Harbour Home', 'Linen & Co', 'Kitchen Pro', 'Nordic Nest'],
    items: ['bath towel', 'sheet set', 'frying pan', 'storage box', 'candle', 'cushion', 'knife block', 'desk lamp', 'doona'],
  },
  {
    name: 'Fashion', prefix: 'FSH', popularity: 0.18, priceMin: 12, priceMax: 150, consumable: false,
    brands: ['Bondi Thread', 'Laneway', 'Merino Mile', 'Harbourside'],
    items: ['t-shirt', 'jeans', 'dress', 'jumper', 'jacket', 'socks 5 pack', 'scarf', 'shorts', 'cap'],
  },
];

export const CATEGORY_NAMES: readonly string[] = CATEGORIES.map((c) => c.name);

/** The product every retail example reaches for: the Baby category's best seller. */
export const BABY_WIPES_NAME = 'Baby wipes 80 pack';

export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly brand: string;
  readonly margin: number;
  readonly price: number;
}

/**
 * Products of one category, best sellers first, with cumulative popularity
 * weights (Zipf-like: a handful of products make most of the sales).
 */
export interface CategoryProducts {
  readonly spec: CategorySpec;
  readonly products: readonly Product[];
  readonly cumulative: Float64Array;
}

export const PRODUCTS_PER_CATEGORY = 150;

export function buildProducts(seed: number): CategoryProducts[] {
  return CATEGORIES.map((spec, categoryIndex) => {
    const rng = Random.derive(seed, STREAM_PRODUCTS, categoryIndex);
    const products: Product[] = [];
    const usedNames = new Set<string>();
    for (let i = 0; i < PRODUCTS_PER_CATEGORY; i++) {
      const sku = `${spec.prefix}-${String(i + 1).padStart(4, '0')}`;
      let name: string;
      let brand: string;
      let price: number;
      if (spec.name === 'Baby' && i === 0) {
        name = BABY_WIPES_NAME;
        brand = 'Huggly';
        price = 6.5;
      } else {
        brand = rng.pick(spec.brands);
        const base = `${brand} ${rng.pick(spec.items)}`;
        name = base;
        for (let n = 2; usedNames.has(name); n++) name = `${base} ${n === 2 ? 'II' : `v${n}`}`;
        // Skewed log-uniform prices: many cheap products, a few expensive ones.
        const logMin = Math.log(spec.priceMin);
        price = roundCents(Math.exp(logMin + (Math.log(spec.priceMax) - logMin) * Math.pow(rng.next(), 1.4)));
      }
      usedNames.add(name);
      const margin = Math.round(rng.uniform(0.08, 0.55) * 100) / 100;
      products.push({ sku, name, category: spec.name, brand, margin, price });
    }
    const cumulative = new Float64Array(products.length);
    let total = 0;
    for (let i = 0; i < products.length; i++) {
      total += 1 / Math.pow(i + 1, 0.9);
      cumulative[i] = total;
    }
    return { spec, products, cumulative };
  });
}

/** A product of the category, drawn by popularity. */
export function pickProduct(category: CategoryProducts, rng: Random): Product {
  const c = category.cumulative;
  const target = rng.next() * c[c.length - 1]!;
  let lo = 0;
  let hi = c.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c[mid]! <= target) lo = mid + 1;
    else hi = mid;
  }
  return category.products[lo]!;
}

export interface Coupon {
  readonly coupon_id: string;
  readonly title: string;
  readonly category: string;
  readonly base_score: number;
  readonly max_redemptions: number;
  readonly funded_by: string;
}

export const COUPON_COUNT = 120;

/** Supplier-funded coupons: most are funded by a brand, some by the retailer itself ("House"). */
export function buildCoupons(seed: number): Coupon[] {
  const rng = Random.derive(seed, STREAM_COUPONS);
  const coupons: Coupon[] = [];
  const popularity = CATEGORIES.map((c) => c.popularity);
  for (let i = 0; i < COUPON_COUNT; i++) {
    const spec = CATEGORIES[rng.weightedIndex(popularity)]!;
    const house = rng.chance(0.15);
    const brand = rng.pick(spec.brands);
    const item = rng.pick(spec.items);
    const title = rng.chance(0.5)
      ? `$${rng.pick([3, 5, 10, 15, 20])} off ${brand} ${item}`
      : `${rng.pick([10, 15, 20, 25, 30])}% off ${house ? spec.name.toLowerCase() : brand}`;
    coupons.push({
      coupon_id: `CP${String(i + 1).padStart(4, '0')}`,
      title,
      category: spec.name,
      base_score: Math.round(rng.uniform(0.05, 0.6) * 1000) / 1000,
      max_redemptions: rng.pick([250, 500, 1000, 2000, 5000, 10000]),
      funded_by: house ? 'House' : brand,
    });
  }
  return coupons;
}

export interface Place {
  readonly city: string;
  readonly country: string;
  readonly latitude: number;
  readonly longitude: number;
  /** Standard deviation of the scatter around the centre, in degrees (0.1° ≈ 11 km). */
  readonly spread: number;
  readonly weight: number;
}

/** Where customers live: about a third near Sydney, a quarter in Melbourne, the rest elsewhere. */
export const PLACES: readonly Place[] = [
  { city: 'Sydney', country: 'AU', latitude: -33.87, longitude: 151.21, spread: 0.09, weight: 0.22 },
  { city: 'Parramatta', country: 'AU', latitude: -33.815, longitude: 151.0, spread: 0.07, weight: 0.06 },
  { city: 'Penrith', country: 'AU', latitude: -33.751, longitude: 150.694, spread: 0.06, weight: 0.03 },
  { city: 'Melbourne', country: 'AU', latitude: -37.814, longitude: 144.963, spread: 0.12, weight: 0.26 },
  { city: 'Geelong', country: 'AU', latitude: -38.149, longitude: 144.361, spread: 0.05, weight: 0.02 },
  { city: 'Brisbane', country: 'AU', latitude: -27.47, longitude: 153.026, spread: 0.1, weight: 0.11 },
  { city: 'Gold Coast', country: 'AU', latitude: -28.017, longitude: 153.4, spread: 0.06, weight: 0.03 },
  { city: 'Perth', country: 'AU', latitude: -31.953, longitude: 115.857, spread: 0.1, weight: 0.07 },
  { city: 'Adelaide', country: 'AU', latitude: -34.929, longitude: 138.601, spread: 0.08, weight: 0.05 },
  { city: 'Canberra', country: 'AU', latitude: -35.281, longitude: 149.13, spread: 0.05, weight: 0.03 },
  { city: 'Newcastle', country: 'AU', latitude: -32.927, longitude: 151.776, spread: 0.05, weight: 0.03 },
  { city: 'Hobart', country: 'AU', latitude: -42.882, longitude: 147.327, spread: 0.04, weight: 0.015 },
  { city: 'Auckland', country: 'NZ', latitude: -36.848, longitude: 174.763, spread: 0.08, weight: 0.025 },
  { city: 'Wellington', country: 'NZ', latitude: -41.286, longitude: 174.776, spread: 0.04, weight: 0.01 },
];

export const PLACE_WEIGHTS: readonly number[] = PLACES.map((p) => p.weight);

export const FIRST_NAMES: readonly string[] = [
  'Olivia', 'Jack', 'Charlotte', 'Noah', 'Amelia', 'William', 'Isla', 'Oliver', 'Mia', 'Thomas',
  'Ava', 'James', 'Grace', 'Lucas', 'Chloe', 'Henry', 'Sophie', 'Leo', 'Ruby', 'Ethan',
  'Zoe', 'Liam', 'Harper', 'Hugo', 'Matilda', 'Archie', 'Evie', 'Oscar', 'Ella', 'Lachlan',
  'Priya', 'Arjun', 'Mei', 'Wei', 'Hana', 'Kenji', 'Minh', 'Linh', 'Fatima', 'Omar',
  'Aroha', 'Tane', 'Sienna', 'Mason', 'Ivy', 'Harrison', 'Willow', 'Cooper', 'Georgia', 'Xavier',
  'Sofia', 'Luca', 'Maya', 'Ali', 'Chen', 'Anh', 'Niamh', 'Declan', 'Eleni', 'Nikos',
];

// Independent random streams (see Random.derive).
export const STREAM_PRODUCTS = 1;
export const STREAM_COUPONS = 2;
export const STREAM_CUSTOMERS = 3;

export function roundCents(value: number): number {
  return Math.round(value * 100) / 100;
}
