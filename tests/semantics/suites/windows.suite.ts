/**
 * Time windows: half-open [start, end), clipped to the as-of time; calendar months;
 * `from … to …` and `between` date windows; relative times (`ago`, `today`, `now`);
 * the workspace time zone; every way SQLite stores a timestamp.
 *
 * Every expectation below is worked out by hand from LANGUAGE.md; the harness also
 * compares each engine with the reference evaluator.
 */
import { describe, expect, it } from 'vitest';
import { testEngines } from '../../../packages/runtime/test/support/engines';
import { defineCorpus } from '../../support/semantics';
import { epochSeconds, RETAIL_MODEL } from '../corpus/retail-model';

const AS_OF = '2026-03-31'; // = 2026-03-31T00:00:00Z (UTC workspace)

/** One order per customer, each on a boundary of some window (o8 gives w3 a past order too). */
const boundaries = defineCorpus({
  model: RETAIL_MODEL,
  data: {
    customers: [
      { customer_id: 'w1', signup_at: '2026-03-01T00:00:00Z' }, // exactly 30 days before as-of
      { customer_id: 'w2', signup_at: '2026-02-28T23:59:59Z' }, // one second earlier
      { customer_id: 'w3', signup_at: '2026-03-31T00:00:00Z' }, // exactly at as-of
      { customer_id: 'w4', signup_at: '2026-03-30T12:00:00Z' }, // half a day before as-of
      { customer_id: 'w5' }, // no signup time
      { customer_id: 'w6', signup_at: '2025-03-31T00:00:00Z' }, // exactly a year before
      { customer_id: 'w7', signup_at: '2026-04-10T00:00:00Z' }, // in the future
      { customer_id: 'w8', signup_at: '2020-01-01T00:00:00Z' },
    ],
    orders: [
      { order_id: 'o1', customer: 'w1', placed_at: '2026-03-01T00:00:00Z', total: 10 },
      { order_id: 'o2', customer: 'w2', placed_at: '2026-02-28T23:59:59Z', total: 20 },
      { order_id: 'o3', customer: 'w3', placed_at: '2026-03-31T00:00:00Z', total: 30 },
      { order_id: 'o4', customer: 'w4', placed_at: '2026-03-30T23:59:59Z', total: 40 },
      { order_id: 'o5', customer: 'w5', placed_at: '2026-02-27T23:59:59Z', total: 50 },
      { order_id: 'o6', customer: 'w6', placed_at: '2026-02-28T00:00:00Z', total: 60 },
      { order_id: 'o7', customer: 'w7', placed_at: '2026-04-15T00:00:00Z', total: 70 },
      { order_id: 'o8', customer: 'w3', placed_at: '2026-01-01T00:00:00Z', total: 80 },
    ],
  },
});

describe.each(testEngines())('window boundaries on $label', (engine) => {
  const run = boundaries.on(engine);

  it('`in last 30 days` includes an event exactly at the start and excludes one at the as-of time', async () => {
    await run.segment('any(orders in last 30 days)', AS_OF, ['w1', 'w4']);
  });

  it('calendar months: as of 31 March, `in last 1 month` starts on 28 February (clamped)', async () => {
    await run.segment('any(orders in last 1 month)', AS_OF, ['w1', 'w2', 'w4', 'w6']);
  });

  it('weeks, hours and years', async () => {
    await run.segment('any(orders in last 4 weeks)', AS_OF, ['w4']);
    await run.segment('any(orders in last 24 hours)', AS_OF, ['w4']);
    await run.segment('any(orders in last 1 year)', AS_OF, ['w1', 'w2', 'w3', 'w4', 'w5', 'w6']);
  });

  it('events at or after the as-of time are never seen, even without a window', async () => {
    await run.segment('any(orders)', AS_OF, ['w1', 'w2', 'w3', 'w4', 'w5', 'w6']);
    await run.metric('count(orders)', AS_OF, { w3: 1, w7: 0, w8: 0 });
    await run.metric('sum(orders.total)', AS_OF, { w3: 80, w7: 0 });
  });

  it('one second past an event makes it visible', async () => {
    await run.segment('any(orders in last 24 hours)', '2026-03-31T00:00:01Z', ['w3', 'w4']);
  });

  it('`from A to B` is half-open: the end instant is out', async () => {
    await run.segment('any(orders from 2026-02-28 to 2026-03-01)', AS_OF, ['w2', 'w6']);
    await run.segment('any(orders from 60 days ago to 30 days ago)', AS_OF, ['w2', 'w5', 'w6']);
  });

  it('`between` two dates includes the whole of both days', async () => {
    await run.segment('any(orders between 2026-02-28 and 2026-03-01)', AS_OF, ['w1', 'w2', 'w6']);
  });

  it('a window reaching past the as-of time is clipped to it', async () => {
    await run.segment('any(orders between 2026-03-30 and 2026-04-30)', AS_OF, ['w4']);
    await run.segment('any(orders from 1 day ago to 2026-12-31)', AS_OF, ['w4']);
  });

  it('`last(t) < 30 days ago` reads only what was known at the as-of time', async () => {
    // w3's latest visible order is o8 (1 January): its order at the as-of time is not seen.
    await run.segment('last(orders.placed_at) < 30 days ago', AS_OF, ['w2', 'w3', 'w5', 'w6']);
  });

  it('`t in last N days` on an audience field: start in, as-of out, future out', async () => {
    await run.segment('signup_at in last 30 days', AS_OF, ['w1', 'w4']);
    await run.segment('signup_at in last 12 hours', AS_OF, ['w4']);
    await run.segment('not (signup_at in last 30 days)', AS_OF, ['w2', 'w3', 'w5', 'w6', 'w7', 'w8']);
  });

  it('comparisons with relative times are plain comparisons (not clipped)', async () => {
    await run.segment('signup_at < 30 days ago', AS_OF, ['w2', 'w6', 'w8']);
    await run.segment('signup_at >= 30 days ago', AS_OF, ['w1', 'w3', 'w4', 'w7']);
    await run.segment('signup_at >= today', AS_OF, ['w3', 'w7']);
    await run.segment('signup_at < now', AS_OF, ['w1', 'w2', 'w4', 'w6', 'w8']);
    await run.segment('signup_at <= 1 year ago', AS_OF, ['w6', 'w8']);
  });

  it('date and timestamp literals', async () => {
    await run.segment('signup_at < 2026-03-01', AS_OF, ['w2', 'w6', 'w8']);
    await run.segment('signup_at >= 2026-03-30T12:00:00Z', AS_OF, ['w3', 'w4', 'w7']);
  });

  it('`t between` two dates: both days whole, clipped to as-of', async () => {
    await run.segment('signup_at between 2026-02-28 and 2026-03-01', AS_OF, ['w1', 'w2']);
    await run.segment('signup_at between 2026-03-30 and 2026-04-30', AS_OF, ['w4']);
  });

  it('days_since counts whole days, rounded down', async () => {
    await run.metric('days_since(signup_at)', AS_OF, { w1: 30, w2: 30, w3: 0, w4: 0, w5: null, w6: 365, w8: 2281 });
    await run.metric('days_since(last(orders.placed_at))', AS_OF, { w1: 30, w2: 30, w3: 89, w4: 0, w7: null });
  });
});

/** The same kind of boundaries in a workspace on Sydney time (UTC+11 until 5 April 2026, then +10). */
const sydney = defineCorpus({
  model: RETAIL_MODEL,
  timezone: 'Australia/Sydney',
  data: {
    customers: ['z1', 'z2', 'z3', 'z4', 'z5', 'z6'].map((id) => ({ customer_id: id })),
    orders: [
      { order_id: 'o1', customer: 'z1', placed_at: '2026-02-27T13:00:00Z' }, // 28 Feb 00:00 Sydney
      { order_id: 'o2', customer: 'z2', placed_at: '2026-02-27T12:59:59Z' },
      { order_id: 'o3', customer: 'z3', placed_at: '2026-03-30T12:59:59Z' }, // last second of 30 March, Sydney
      { order_id: 'o4', customer: 'z4', placed_at: '2026-03-30T13:00:00Z' }, // 31 March 00:00 Sydney
      { order_id: 'o5', customer: 'z5', placed_at: '2026-03-31T13:00:00Z' }, // 1 April 00:00 Sydney (AEDT)
      { order_id: 'o6', customer: 'z6', placed_at: '2026-03-31T12:59:59Z' },
    ],
  },
});

describe.each(testEngines())('workspace time zone on $label', (engine) => {
  const run = sydney.on(engine);

  it('an as-of date is the start of that day in the zone; months are calendar months there', async () => {
    await run.segment('any(orders in last 1 month)', AS_OF, ['z1', 'z3']);
  });

  it('`between` days are the zone’s days', async () => {
    await run.segment('any(orders between 2026-03-30 and 2026-03-30)', AS_OF, ['z3']);
  });

  it('days are calendar days across a daylight-saving change', async () => {
    // As of 8 April 00:00 AEST; seven calendar days back is 1 April 00:00 AEDT = 31 March 13:00Z.
    await run.segment('any(orders in last 7 days)', '2026-04-08', ['z5']);
  });

  it('days_since counts elapsed 24-hour days, whatever the zone', async () => {
    // As of 2026-04-07T14:00Z: z4 is 8 days 1 hour back, z5 7 days 1 hour, z6 7 days 1 hour 1 second.
    await run.metric('days_since(last(orders.placed_at))', '2026-04-08', { z4: 8, z5: 7, z6: 7 });
  });
});

/** SQLite keeps timestamps as given: ISO text with offsets, with a space, with fractions, or epoch seconds. */
const storage = defineCorpus({
  model: RETAIL_MODEL,
  data: {
    customers: [
      { customer_id: 's1', signup_at: '2026-03-30T23:00:00-02:00' }, // = 31 March 01:00Z: after as-of
      { customer_id: 's2', signup_at: '2026-03-31T09:00:00+10:00' }, // = 30 March 23:00Z: before as-of
      { customer_id: 's3', signup_at: epochSeconds('2026-03-30T23:00:00Z') },
      { customer_id: 's4', signup_at: '2026-03-30 12:00:00' },
      { customer_id: 's5', signup_at: '2026-03-30T12:00:00.250Z' },
      { customer_id: 's6', signup_at: epochSeconds('2026-03-31T00:00:00Z') }, // exactly at as-of
      { customer_id: 's7', signup_at: '2026-03-01T00:00:00+00:00' }, // exactly 30 days before
      { customer_id: 's8', signup_at: '2026-03-01T09:59:59+10:00' }, // = 28 Feb 23:59:59Z
    ],
    orders: [
      { order_id: 'o1', customer: 's1', placed_at: '2026-03-30T23:00:00-02:00', total: 1 },
      { order_id: 'o2', customer: 's2', placed_at: '2026-03-31T09:00:00+10:00', total: 2 },
      { order_id: 'o3', customer: 's3', placed_at: epochSeconds('2026-03-30T23:00:00Z'), total: 3 },
      { order_id: 'o4', customer: 's4', placed_at: '2026-03-30 12:00:00', total: 4 },
      { order_id: 'o5', customer: 's5', placed_at: '2026-03-30T12:00:00.250Z', total: 5 },
      { order_id: 'o6', customer: 's6', placed_at: epochSeconds('2026-03-31T00:00:00Z'), total: 6 },
      { order_id: 'o7', customer: 's7', placed_at: '2026-03-01T00:00:00+00:00', total: 7 },
      { order_id: 'o8', customer: 's8', placed_at: '2026-03-01T09:59:59+10:00', total: 8 },
      { order_id: 'o9', customer: 's7', placed_at: epochSeconds('2026-02-01T00:00:00Z'), total: 9 },
    ],
  },
});

describe.each(testEngines())('timestamp storage forms on $label', (engine) => {
  const run = storage.on(engine);

  it('event times in every form compare as instants', async () => {
    await run.segment('any(orders in last 1 day)', AS_OF, ['s2', 's3', 's4', 's5']);
    await run.segment('any(orders in last 30 days)', AS_OF, ['s2', 's3', 's4', 's5', 's7']);
    await run.segment('any(orders)', AS_OF, ['s2', 's3', 's4', 's5', 's7', 's8']);
  });

  it('audience timestamps in every form compare as instants', async () => {
    await run.segment('signup_at in last 30 days', AS_OF, ['s2', 's3', 's4', 's5', 's7']);
    await run.segment('signup_at < 2026-03-01', AS_OF, ['s8']);
    await run.segment('signup_at >= 2026-03-31T00:00:00Z', AS_OF, ['s1', 's6']);
  });

  it('fractions of a second count', async () => {
    // s5 signed up at 12:00:00.250: after 12:00:00.100, before 12:00:00.500.
    await run.segment('signup_at >= 2026-03-30T12:00:00.100Z and signup_at < 2026-03-30T12:00:00.500Z', AS_OF, ['s5']);
  });

  it('first/last and days_since read mixed forms in time order', async () => {
    await run.metric('days_since(last(orders.placed_at))', AS_OF, { s1: null, s2: 0, s3: 0, s6: null, s7: 30, s8: 30 });
    await run.metric('first(orders.total)', AS_OF, { s7: 9 });
    await run.metric('last(orders.total)', AS_OF, { s7: 7 });
  });

  it('a timestamp metric is the same instant on every engine', async () => {
    const values = await run.metric('last(orders.placed_at)', AS_OF, { s2: '2026-03-30T23:00:00Z', s7: '2026-03-01T00:00:00Z' });
    expect(values.get('s1') ?? null).toBeNull();
  });
});
