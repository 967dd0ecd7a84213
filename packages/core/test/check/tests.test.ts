import { describe, expect, it } from 'vitest';
import { applySuggestion, check, codes, MODEL, only, summary } from './support';

const RULES = `segment buyer { any(orders) }
metric spend = sum(orders.total)
strategy value_map {
  primary {
    when buyer then retain
    else grow
  }
  secondary { else grow }
}
offer o {
  strategy retain
}
offer p {
  strategy grow
}
plan weekly {
  offers o
}
`;

function withTest(body: string): Record<string, string> {
  return { 'model.seg': MODEL, 'rules.seg': RULES, 'tests.seg': `test "t" {\n  as of 2026-11-22\n${body}}\n` };
}

describe('tests', () => {
  it('lowers fixtures and expectations', () => {
    const files = withTest(
      [
        '  customers { customer_id: "c1", predicted_clv: -3, email_opt_in: true, signup_at: 2026-01-01T10:00:00Z }',
        '  orders { order_id: "o1", customer: "c1", placed_at: 2026-03-01, channel: "web", total: 450 }',
        '  expect "c1" in buyer',
        '  expect "c1" not in holdout of weekly',
        '  expect spend("c1") >= 450',
        '  expect value_map("c1") = (retain, grow)',
        '  expect value_map("c1") != (grow)',
        '  expect weekly("c1") = (o)',
        '  expect weekly("c1") includes o',
        '  expect weekly("c1") is not empty',
        '',
      ].join('\n'),
    );
    const result = check(files, { model: false });
    expect(summary(result)).toEqual([]);
    const [test] = result.workspace!.tests;
    expect(test!.asOf).toBe('2026-11-22T00:00:00.000Z');
    expect(test!.fixtures).toEqual([
      {
        table: 'customers',
        values: { customer_id: 'c1', predicted_clv: -3, email_opt_in: true, signup_at: '2026-01-01T10:00:00Z' },
        origin: expect.anything(),
      },
      {
        table: 'orders',
        values: { order_id: 'o1', customer: 'c1', placed_at: '2026-03-01', channel: 'web', total: 450 },
        origin: expect.anything(),
      },
    ]);
    expect(test!.expectations.map(({ origin, ...rest }) => rest)).toEqual([
      { kind: 'membership', key: 'c1', negated: false, holdout: false, target: 'buyer', targetKind: 'segment' },
      { kind: 'membership', key: 'c1', negated: true, holdout: true, target: 'weekly', targetKind: 'plan' },
      { kind: 'metric', key: 'c1', metric: 'spend', op: '>=', expected: 450 },
      { kind: 'strategy', key: 'c1', strategy: 'value_map', primary: 'retain', secondary: 'grow', negated: false },
      { kind: 'strategy', key: 'c1', strategy: 'value_map', primary: 'grow', negated: true },
      { kind: 'planOffers', key: 'c1', plan: 'weekly', op: 'equals', offers: ['o'] },
      { kind: 'planOffers', key: 'c1', plan: 'weekly', op: 'includes', offers: ['o'] },
      { kind: 'planOffers', key: 'c1', plan: 'weekly', op: 'isNotEmpty', offers: [] },
    ]);
  });

  it('reports fixture fields not in the table, with a suggestion', () => {
    const files = withTest('  orders { order_id: "o1", totl: 5 }\n');
    const result = check(files, { model: false });
    expect(summary(result)).toEqual(['SEG1003 tests.seg 3:28-3:32']);
    expect(check(applySuggestion(files, only(result)), { model: false }).diagnostics).toEqual([]);
  });

  it('reports fixture values of the wrong type', () => {
    const files = withTest('  orders { order_id: "o1", total: "lots", placed_at: 5, channel: "phone", customer: 7 }\n');
    const result = check(files, { model: false });
    expect(summary(result)).toEqual([
      'SEG5004 tests.seg 3:35-3:41',
      'SEG5004 tests.seg 3:54-3:55',
      'SEG2007 tests.seg 3:66-3:73',
      'SEG5004 tests.seg 3:85-3:86',
    ]);
  });

  it('reports unknown fixture tables, duplicate fields and duplicate keys', () => {
    const files = withTest('  ordres { order_id: "o1" }\n  orders { order_id: "o1", order_id: "o2" }\n  customers { customer_id: "c1" }\n  customers { customer_id: "c1" }\n');
    const result = check(files, { model: false });
    expect(codes(result)).toEqual(['SEG1004', 'SEG5005', 'SEG5010']);
    expect(result.diagnostics[0]!.suggestions?.[0]?.replacement).toBe('orders');
  });

  it('reports expectation targets of the wrong kind', () => {
    const files = withTest('  expect "c1" in spend\n  expect buyer("c1") = true\n  expect o("c1") includes p\n  expect "c1" in holdout of buyer\n');
    const result = check(files, { model: false });
    expect(summary(result)).toEqual([
      'SEG5006 tests.seg 3:18-3:23',
      'SEG5006 tests.seg 4:10-4:15',
      'SEG5006 tests.seg 5:10-5:11',
      'SEG5006 tests.seg 6:29-6:34',
    ]);
  });

  it('checks expected values and outcomes', () => {
    const files = withTest('  expect spend("c1") = "a lot"\n  expect value_map("c1") = (retian, grow)\n  expect weekly("c1") includes p\n  expect "c1" in byer\n');
    const result = check(files, { model: false });
    expect(codes(result)).toEqual(['SEG5007', 'SEG1011', 'SEG5011', 'SEG1002']);
    expect(result.diagnostics[1]!.suggestions?.[0]?.replacement).toBe('retain');
    expect(result.diagnostics[3]!.suggestions?.[0]?.replacement).toBe('buyer');
  });

  it('names one offer of a family as "family:key", checked against the plan and the fixture rows', () => {
    const files = {
      'model.seg': `${MODEL}\ntable coupons key code {\n  score number\n}\n`,
      'rules.seg': 'offers coupon_offers from coupons key code {\n  score offer.score\n}\noffer o {}\nplan weekly {\n  offers coupon_offers, o\n}\nplan other {\n  offers o\n}\n',
      'tests.seg': [
        'test "t" {',
        '  as of 2026-11-22',
        '  coupons { code: "C1", score: 2 }',
        '  expect weekly("c1") includes "coupon_offers:C1", o',
        '  expect weekly("c1") = ("coupon_offers:C1", o)',
        '  expect weekly("c1") excludes "coupon_offers:C2"',
        '  expect weekly("c1") includes "coupon_ofers:C1"',
        '  expect weekly("c1") includes "o:C1"',
        '  expect weekly("c1") includes "coupon_offers"',
        '  expect other("c1") excludes "coupon_offers:C1"',
        '}',
        '',
      ].join('\n'),
    };
    const result = check(files, { model: false });
    expect(summary(result)).toEqual([
      'SEG5011 tests.seg 6:32-6:50',
      'SEG1009 tests.seg 7:33-7:45',
      'SEG5007 tests.seg 8:32-8:38',
      'SEG5007 tests.seg 9:32-9:47',
      'SEG5011 tests.seg 10:32-10:45',
    ]);
    expect(result.diagnostics[1]!.suggestions?.[0]?.replacement).toBe('coupon_offers');
    const fixed = check(applySuggestion(files, result.diagnostics[1]!), { model: false });
    expect(codes(fixed)).not.toContain('SEG1009');
    const expectations = check({ ...files, 'tests.seg': files['tests.seg'].split('\n').slice(0, 6).join('\n') + '\n}\n' }, { model: false }).workspace!.tests[0]!.expectations;
    expect(expectations.map((e) => (e.kind === 'planOffers' ? [e.op, e.offers] : e.kind))).toEqual([
      ['includes', ['coupon_offers:C1', 'o']],
      ['equals', ['coupon_offers:C1', 'o']],
      ['excludes', ['coupon_offers:C2']],
    ]);
  });

  it('requires the customer key to be a literal', () => {
    const result = check(withTest('  expect spend in buyer\n'), { model: false });
    expect(summary(result)).toEqual(['SEG5009 tests.seg 3:10-3:15']);
  });

  it('requires exactly one as-of, and unique titles', () => {
    const files = {
      'model.seg': MODEL,
      'a.seg': 'test "same" {\n  expect "c1" in nothing_here\n}\n',
      'b.seg': 'test "same" {\n  as of 2026-11-22\n  as of 2026-11-23\n}\n',
    };
    const result = check(files, { model: false });
    expect(codes(result)).toEqual(['SEG5001', 'SEG1002', 'SEG5008', 'SEG5002']);
  });
});
