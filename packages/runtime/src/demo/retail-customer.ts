/**
 * The behaviour model of one demo customer: when they signed up, how often they
 * buy (a lognormal rate — a few customers buy far more than the rest), whether
 * and when they lapse or slow down, which categories they favour, which channel
 * they use, how they respond to the weekly email, and what the data team's
 * models (predicted CLV, churn risk) say about them.
 *
 * Everything comes from the customer's own random stream, so customer n is the
 * same whatever the batch size, the database engine or the number of customers.
 */
import type { RawValue } from './batch-inserter';
import {
  CATEGORIES,
  FIRST_NAMES,
  PLACES,
  PLACE_WEIGHTS,
  STREAM_CUSTOMERS,
  pickProduct,
  roundCents,
  type CategoryProducts,
} from './retail-catalog';
import { Random } from './random';

export const DAY_MS = 86_400_000;
const YEAR_DAYS = 365.25;

/** A weekly newsletter send. */
export interface Campaign {
  readonly name: string;
  readonly sentMs: number;
}

export interface RetailWorld {
  readonly seed: number;
  readonly asOfMs: number;
  /** First day of the history (signups and orders start here). */
  readonly startMs: number;
  readonly categories: readonly CategoryProducts[];
  /** Newsletter sends, oldest first. */
  readonly campaigns: readonly Campaign[];
}

/** Where the rows of one customer go (row values in each table's column order). */
export interface RetailSink {
  customer(row: readonly RawValue[]): void;
  order(row: readonly RawValue[]): void;
  orderLine(row: readonly RawValue[]): void;
  emailEvent(row: readonly RawValue[]): void;
}

const CHANNELS = ['store', 'web', 'app'] as const;
const CHANNEL_WEIGHTS = [0.38, 0.44, 0.18];
const CATEGORY_WEIGHTS = CATEGORIES.map((c) => c.popularity);
const MAX_ORDERS = 400;
const SEASON_MAX = 1.6;

export function customerId(index: number): string {
  return `C${String(index).padStart(7, '0')}`;
}

/** Writes customer `index` (1-based) and their whole history to the sink. */
export function simulateCustomer(world: RetailWorld, index: number, sink: RetailSink): void {
  const rng = Random.derive(world.seed, STREAM_CUSTOMERS, index);
  const id = customerId(index);
  const { asOfMs, startMs } = world;
  const historyDays = (asOfMs - startMs) / DAY_MS;

  // Who and where.
  const firstName = rng.pick(FIRST_NAMES);
  const place = PLACES[rng.weightedIndex(PLACE_WEIGHTS)]!;
  const hasGeo = rng.chance(0.97);
  const latitude = hasGeo ? round(place.latitude + rng.normal(0, place.spread), 5) : null;
  const longitude = hasGeo ? round(place.longitude + rng.normal(0, place.spread * 1.2), 5) : null;

  // The business grows: recent signups are more common than old ones.
  const signupMs = wholeSecond(asOfMs - historyDays * Math.pow(rng.next(), 1.15) * DAY_MS);

  // Purchase behaviour.
  const baseRate = Math.min(60, rng.lognormal(Math.log(2.8), 0.85)); // orders per year
  const oneAndDone = rng.chance(0.22);
  const lifetimeDays = oneAndDone ? rng.exponential(25) : rng.exponential(1000);
  const churnMs = signupMs + lifetimeDays * DAY_MS;
  const declineMs = !oneAndDone && rng.chance(0.14) ? asOfMs - rng.uniform(40, 200) * DAY_MS : Infinity;
  const declineFactor = rng.uniform(0.1, 0.35);
  const primaryChannel = rng.weightedIndex(CHANNEL_WEIGHTS);
  const channelLoyalty = rng.uniform(0.5, 0.97);
  const favourites = pickFavourites(rng);
  const favouriteShare = rng.uniform(0.55, 0.92);
  const extraLineChance = clamp(rng.normal(0.55, 0.12), 0.15, 0.8);

  let orderCount = 0;
  let spendTotal = 0;
  let spend12m = 0;
  let lastOrderMs = -Infinity;
  const yearAgoMs = asOfMs - YEAR_DAYS * DAY_MS;
  const endMs = Math.min(churnMs, asOfMs);
  const orders: RawValue[][] = [];
  const lines: RawValue[][] = [];

  const placeOrder = (atMs: number): void => {
    const orderId = `O${id.slice(1)}-${String(++orderCount).padStart(3, '0')}`;
    const channel = rng.chance(channelLoyalty) ? primaryChannel : (primaryChannel + rng.int(1, 2)) % 3;
    const lineCount = 1 + rng.geometric(extraLineChance, 14);
    let subtotal = 0;
    for (let l = 0; l < lineCount; l++) {
      const categoryIndex = rng.chance(favouriteShare) ? rng.pick(favourites) : rng.weightedIndex(CATEGORY_WEIGHTS);
      const category = world.categories[categoryIndex]!;
      const product = pickProduct(category, rng);
      const quantity = 1 + (category.spec.consumable ? rng.geometric(0.45, 11) : rng.geometric(0.1, 3));
      const price = rng.chance(0.15) ? roundCents(product.price * rng.uniform(0.7, 0.9)) : product.price;
      subtotal += quantity * price;
      lines.push([orderId, product.sku, quantity, price]);
    }
    const discount = rng.chance(0.18) ? roundCents(subtotal * rng.uniform(0.05, 0.25)) : 0;
    const total = roundCents(subtotal - discount);
    orders.push([orderId, id, atMs, CHANNELS[channel]!, total, discount]);
    spendTotal += total;
    if (atMs >= yearAgoMs) spend12m += total;
    lastOrderMs = atMs;
  };

  // Most customers sign up with their first purchase.
  let t = signupMs;
  if (rng.chance(0.8)) {
    const first = wholeSecond(signupMs + rng.exponential(0.5) * DAY_MS);
    if (first < asOfMs) placeOrder(first);
    t = first;
  }
  // Then a Poisson process, thinned for the season and for customers who are slowing down.
  const meanGapDays = YEAR_DAYS / (baseRate * SEASON_MAX);
  while (orderCount < MAX_ORDERS) {
    t += rng.exponential(meanGapDays) * DAY_MS;
    if (t >= endMs) break;
    const factor = seasonality(t) * (t >= declineMs ? declineFactor : 1);
    if (rng.next() * SEASON_MAX < factor) placeOrder(wholeSecond(t));
  }

  // What the data team's models say: noisy, but informed by behaviour.
  const averageOrder = orderCount > 0 ? spendTotal / orderCount : 60;
  const stillActive = churnMs > asOfMs;
  const expectedRate = baseRate * (declineMs < asOfMs ? declineFactor : 1) * (stillActive ? 1 : 0.15);
  const clv = rng.chance(0.985)
    ? roundCents((spend12m * 0.5 + expectedRate * averageOrder * 0.7) * rng.lognormal(0, 0.35))
    : null;
  const gapDays = YEAR_DAYS / baseRate;
  const sinceLast = orderCount > 0 ? (asOfMs - lastOrderMs) / DAY_MS : historyDays;
  const churnLogit = orderCount > 0 ? -2.2 + 1.6 * Math.min(4, sinceLast / gapDays) + rng.normal(0, 0.6) : rng.normal(0.4, 0.6);
  const churnRisk = rng.chance(0.99) ? round(1 / (1 + Math.exp(-churnLogit)), 3) : null;

  const ownsCard = rng.chance(0.07 + 0.3 * Math.min(1, baseRate / 12));
  const ownsInsurance = ownsCard ? rng.chance(0.35) : rng.chance(0.05);
  const smsOptIn = rng.chance(0.3);

  const emailOptIn = simulateEmail(world, rng, id, signupMs, churnMs, sink);

  sink.customer([
    id,
    `${firstName.toLowerCase()}.${index}@example.com`,
    firstName,
    place.country,
    place.city,
    latitude,
    longitude,
    signupMs,
    emailOptIn,
    smsOptIn,
    clv,
    churnRisk,
    ownsCard,
    ownsInsurance,
  ]);
  for (const order of orders) sink.order(order);
  for (const line of lines) sink.orderLine(line);
}

/**
 * The weekly newsletter: opens and clicks at the customer's own engagement level
 * (lower once they have lapsed), and a small weekly chance to unsubscribe or
 * complain, after which nothing more is sent. Returns the current opt-in flag —
 * which, as in real CRMs, is occasionally stale after an unsubscribe.
 */
function simulateEmail(world: RetailWorld, rng: Random, id: string, signupMs: number, churnMs: number, sink: RetailSink): boolean {
  if (!rng.chance(0.8)) return false;
  const openChance = rng.proportion(0.09, 1.1);
  const clickChance = rng.proportion(0.2, 0.6);
  const { campaigns, asOfMs } = world;
  let seq = 0;
  const event = (atMs: number, kind: string, campaign: string): void => {
    if (atMs >= asOfMs) return;
    sink.emailEvent([`E${id.slice(1)}-${String(++seq).padStart(4, '0')}`, id, wholeSecond(atMs), kind, campaign]);
  };
  for (let i = firstCampaignAfter(campaigns, signupMs); i < campaigns.length; i++) {
    const { name, sentMs } = campaigns[i]!;
    if (rng.chance(0.0012)) {
      event(sentMs + rng.exponential(1) * DAY_MS, rng.chance(0.07) ? 'complaint' : 'unsubscribe', name);
      return rng.chance(0.12);
    }
    const open = sentMs < churnMs ? openChance : openChance * 0.35;
    if (rng.chance(open)) {
      const openedMs = sentMs + rng.exponential(0.4) * DAY_MS;
      event(openedMs, 'open', name);
      if (rng.chance(clickChance)) event(openedMs + rng.exponential(120) * 1000, 'click', name);
    }
  }
  return true;
}

function firstCampaignAfter(campaigns: readonly Campaign[], ms: number): number {
  let lo = 0;
  let hi = campaigns.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (campaigns[mid]!.sentMs <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One to three favourite categories, popular ones more likely. */
function pickFavourites(rng: Random): number[] {
  const count = 1 + rng.geometric(0.45, 2);
  const weights = [...CATEGORY_WEIGHTS];
  const picked: number[] = [];
  for (let i = 0; i < count; i++) {
    const index = rng.weightedIndex(weights);
    picked.push(index);
    weights[index] = 0;
  }
  return picked;
}

/** Christmas peak, a post-holiday lull (southern-hemisphere retail). */
function seasonality(ms: number): number {
  switch (new Date(ms).getUTCMonth()) {
    case 10:
      return 1.3;
    case 11:
      return 1.6;
    case 0:
      return 0.9;
    case 1:
      return 0.75;
    default:
      return 1;
  }
}

function wholeSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
