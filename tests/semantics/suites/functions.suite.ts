/**
 * Literals, arithmetic, scalar functions, geography, text matching, `in` lists,
 * constants, lists and map lookups.
 */
import { describe, it } from 'vitest';
import { testEngines } from '../../../packages/runtime/test/support/engines';
import { defineCorpus } from '../../support/semantics';
import { RETAIL_MODEL } from '../corpus/retail-model';

const AS_OF = '2026-03-31';
const SYDNEY = { latitude: -33.8688, longitude: 151.2093 };
const MELBOURNE = { latitude: -37.8136, longitude: 144.9631 };

const DECLARATIONS = `
const vip = 10
list oceania = ("AU", "NZ", "FJ")
map neighbours {
  "AU" -> ("NZ", "FJ")
  "NZ" -> ("AU")
}
`;

const corpus = defineCorpus({
  model: `${RETAIL_MODEL}\n${DECLARATIONS}`,
  data: {
    customers: [
      { customer_id: 'f1', name: '100% cotton', country: 'NZ', favourite: 'AU', predicted_clv: 2.25, churn_risk: 0.6, ...SYDNEY, tier: 'gold', email_opt_in: true, birthday: '1990-05-17' },
      { customer_id: 'f2', name: '100 cotton', country: 'AU', favourite: 'NZ', predicted_clv: -2.5, churn_risk: 0.59, ...MELBOURNE, tier: 'silver', birthday: '1999-12-31' },
      { customer_id: 'f3', name: 'a_b', country: 'FJ', favourite: 'AU', predicted_clv: 10, churn_risk: 0.75, birthday: '2000-01-01' },
      { customer_id: 'f4', name: 'axb', country: 'FJ', favourite: 'XX', predicted_clv: 20 },
      { customer_id: 'f5', name: 'A_B', country: 'AU', favourite: null },
      { customer_id: 'f6', name: 'back\\slash', country: 'US', favourite: 'NZ' },
      { customer_id: 'f7', name: 'Cotton 100%', predicted_clv: 0 },
      { customer_id: 'f8', name: 'O\'Brien "Jr"' },
      { customer_id: 'f9', name: '' },
    ],
    orders: [
      { order_id: 'o1', customer: 'f1', placed_at: '2026-03-01', channel: 'web', total: 1 },
      { order_id: 'o2', customer: 'f1', placed_at: '2026-03-02', channel: 'app', total: 2 },
      { order_id: 'o3', customer: 'f1', placed_at: '2026-03-03', channel: 'store', total: 3 },
      { order_id: 'o4', customer: 'f2', placed_at: '2026-03-04', channel: 'store', total: 4 },
    ],
  },
});

describe.each(testEngines())('expressions on $label', (engine) => {
  const run = corpus.on(engine);

  it('arithmetic: numbers are decimals (no integer division), usual precedence', async () => {
    await run.metric('count(orders) / 2', AS_OF, { f1: 1.5, f2: 0.5, f3: 0 });
    await run.metric('predicted_clv * 2 - 1', AS_OF, { f1: 3.5, f2: -6, f3: 19, f5: null });
    await run.metric('(predicted_clv + 1) * 2', AS_OF, { f1: 6.5 });
    await run.metric('predicted_clv + 1 * 2', AS_OF, { f1: 4.25 });
    await run.metric('10 - 4 - 3', AS_OF, { f1: 3, f9: 3 });
    await run.metric('-predicted_clv', AS_OF, { f1: -2.25, f7: 0, f5: null });
  });

  it('division by zero gives a missing value', async () => {
    await run.metric('predicted_clv / 0', AS_OF, { f1: null, f3: null });
    await run.metric('count(orders) / count(orders where channel = "web")', AS_OF, { f1: 3, f2: null, f3: null });
  });

  it('round (half away from zero), abs, min, max', async () => {
    await run.metric('round(predicted_clv, 1)', AS_OF, { f1: 2.3, f2: -2.5, f3: 10 });
    await run.metric('round(predicted_clv, 0)', AS_OF, { f1: 2, f2: -3, f3: 10 });
    await run.metric('abs(predicted_clv)', AS_OF, { f1: 2.25, f2: 2.5, f7: 0 });
    await run.metric('min(predicted_clv, 5)', AS_OF, { f1: 2.25, f2: -2.5, f3: 5 });
    await run.metric('max(predicted_clv, 5)', AS_OF, { f1: 5, f3: 10, f4: 20 });
  });

  it('distance_km is the haversine distance on a 6,371 km Earth (Sydney–Melbourne ≈ 713.4 km)', async () => {
    const distances = await run.metric(`distance_km(latitude, longitude, ${MELBOURNE.latitude}, ${MELBOURNE.longitude})`, AS_OF, { f2: 0, f3: null });
    const sydney = distances.get('f1');
    if (typeof sydney !== 'number' || Math.abs(sydney - 713.4275) > 0.001) throw new Error(`Sydney–Melbourne: ${String(sydney)}`);
    await run.segment(`distance_km(latitude, longitude, ${MELBOURNE.latitude}, ${MELBOURNE.longitude}) between 713.3 and 713.5`, AS_OF, ['f1']);
    await run.segment('distance_km(latitude, longitude, -33.87, 151.21) <= 20', AS_OF, ['f1']);
  });

  it('literals: percent, bool, escaped text, constants', async () => {
    await run.segment('churn_risk >= 60%', AS_OF, ['f1', 'f3']);
    await run.segment('email_opt_in = true', AS_OF, ['f1']);
    await run.segment('name = "O\'Brien \\"Jr\\""', AS_OF, ['f8']);
    await run.segment('predicted_clv >= vip', AS_OF, ['f3', 'f4']);
    await run.segment('name = ""', AS_OF, ['f9']);
  });

  it('a field stored under another column name (`as "Loyalty Tier"`)', async () => {
    await run.segment('tier = "gold"', AS_OF, ['f1']);
    await run.metric('tier', AS_OF, { f1: 'gold', f2: 'silver', f3: null });
  });

  it('date fields compare with date literals, between whole days, and count days', async () => {
    await run.segment('birthday < 2000-01-01', AS_OF, ['f1', 'f2']);
    await run.segment('birthday >= 2000-01-01', AS_OF, ['f3']);
    await run.segment('birthday = 1990-05-17', AS_OF, ['f1']);
    await run.segment('birthday between 1990-01-01 and 1999-12-31', AS_OF, ['f1', 'f2']);
    await run.segment('birthday is not missing', AS_OF, ['f1', 'f2', 'f3']);
    await run.metric('days_since(birthday)', AS_OF, { f1: 13102, f3: 9586, f4: null });
    await run.metric('birthday', AS_OF, { f1: '1990-05-17', f2: '1999-12-31', f4: null });
  });

  it('number comparisons and between (inclusive)', async () => {
    await run.segment('predicted_clv between 2.25 and 10', AS_OF, ['f1', 'f3']);
    await run.segment('predicted_clv > 0 and predicted_clv <= 10', AS_OF, ['f1', 'f3']);
    await run.segment('predicted_clv < 0 or predicted_clv >= 20', AS_OF, ['f2', 'f4']);
  });

  it('contains / starts with: % and _ are ordinary characters', async () => {
    await run.segment('name contains "%"', AS_OF, ['f1', 'f7']);
    await run.segment('name contains "0% c"', AS_OF, ['f1']);
    await run.segment('name contains "a_b"', AS_OF, ['f3']);
    await run.segment('name contains "_"', AS_OF, ['f3', 'f5']);
    await run.segment('name starts with "100%"', AS_OF, ['f1']);
    await run.segment('name starts with "a_"', AS_OF, ['f3']);
    await run.segment('name contains "\\\\"', AS_OF, ['f6']);
  });

  it('contains / starts with are case-sensitive', async () => {
    await run.segment('name contains "cotton"', AS_OF, ['f1', 'f2']);
    await run.segment('name starts with "100"', AS_OF, ['f1', 'f2']);
    await run.segment('name starts with "c"', AS_OF, []);
  });

  it('the empty pattern matches every present text', async () => {
    await run.segment('name contains ""', AS_OF, ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9']);
  });

  it('in / not in literal lists and list constants', async () => {
    await run.segment('country in ("AU", "NZ")', AS_OF, ['f1', 'f2', 'f5']);
    await run.segment('country not in ("AU", "NZ")', AS_OF, ['f3', 'f4', 'f6']);
    await run.segment('country in oceania', AS_OF, ['f1', 'f2', 'f3', 'f4', 'f5']);
    await run.segment('predicted_clv in (10, 20)', AS_OF, ['f3', 'f4']);
    await run.segment('any(orders where channel in ("web", "app"))', AS_OF, ['f1']);
  });

  it('map lookups: a key that is not in the map (or missing) gives the empty list', async () => {
    await run.segment('country in neighbours[favourite]', AS_OF, ['f1', 'f2', 'f3']);
    await run.segment('country not in neighbours[favourite]', AS_OF, ['f4', 'f5', 'f6']);
    await run.segment('country in neighbours["AU"]', AS_OF, ['f1', 'f3', 'f4']);
  });
});
