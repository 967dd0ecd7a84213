/**
 * `runWorkspaceTests` on the retail example: its own tests pass (on every engine),
 * and a wrong expectation of each kind fails saying what was expected, what was
 * found, and the rule and condition that decided it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkWorkspace, type Diagnostic } from '@seg/core';
import { isHeldOut } from '@seg/compiler';
import { runWorkspaceTests, type RunTestsOptions, type TestRunReport } from '../../src/testing';
import { testEngines } from '../support/engines';

const RETAIL = join(import.meta.dirname, '../../../../examples/retail');
const FILES: Record<string, string> = Object.fromEntries(
  readdirSync(RETAIL)
    .filter((f) => f.endsWith('.seg'))
    .map((f) => [f, readFileSync(join(RETAIL, f), 'utf8')]),
);

/** The retail workspace with `tests.seg` replaced (when given), checked and tested. */
async function run(tests?: string, options: Partial<RunTestsOptions> = {}): Promise<TestRunReport> {
  const files = tests === undefined ? FILES : { ...FILES, 'tests.seg': tests };
  const result = checkWorkspace({ files, config: { name: 'retail' } });
  const errors = result.diagnostics.filter((d: Diagnostic) => d.severity === 'error');
  if (!result.workspace) throw new Error(errors.map((d) => `${d.code} ${d.message}`).join('\n'));
  return runWorkspaceTests({ workspace: result.workspace, files, ...options });
}

/** One test as of 2026-11-22 with the given body (fixture rows and expectations). */
function oneTest(body: string, title = 'under test'): string {
  return `test "${title}" {\n  as of 2026-11-22\n${body}\n}\n`;
}

/** The single failure of a report's single test. */
function onlyFailure(report: TestRunReport) {
  expect(report.results).toHaveLength(1);
  const [result] = report.results;
  expect(result!.status, result!.error).toBe('failed');
  expect(result!.failures).toHaveLength(1);
  return result!.failures[0]!;
}

const LAPSED = `  customers { customer_id: "c1", predicted_clv: 900, email_opt_in: true, owns_card: false }
  orders { order_id: "o1", customer: "c1", placed_at: 2026-03-01, channel: "web", total: 450 }`;

describe.each(testEngines())('the retail example’s own tests on $label', (engine) => {
  it('all pass', async () => {
    const report = await run(undefined, { open: engine.open });
    expect(report.results.map((r) => [r.title, r.status, r.failures.map((f) => f.message), r.error])).toEqual([
      ['a lapsed big spender is reactivated and offered the win-back', 'passed', [], undefined],
      ['baby households get the baby offer, unless they just bought wipes', 'passed', [], undefined],
      ['unsubscribed customers receive nothing', 'passed', [], undefined],
    ]);
    expect([report.passed, report.failed, report.dialects]).toEqual([3, 0, [engine.name]]);
  });
});

describe('a wrong expectation fails, naming the rule and the condition that decided it', () => {
  it('segment membership', async () => {
    const failure = onlyFailure(await run(oneTest(`${LAPSED}\n  expect "c1" in active`)));
    expect(failure.source).toBe('expect "c1" in active');
    expect(failure.location).toEqual({ file: 'tests.seg', line: 5, column: 3 });
    expect(failure.message).toBe('expected "c1" in active, found: not a member');
    expect(failure.decidedBy).toEqual(['active: ✗ any(orders in last 90 days)']);
    expect(failure.explanation).toContain('c1 is not in active "Bought in the last 90 days" (as of 2026-11-22T00:00:00.000Z)\n  ✗ any(orders in last 90 days)\n');
  });

  it('a negated membership shows the conditions that made the customer a member, with the values seen', async () => {
    const failure = onlyFailure(await run(oneTest(`${LAPSED}\n  expect "c1" not in dormant`)));
    expect(failure.message).toBe('expected "c1" not in dormant, found: a member');
    expect(failure.decidedBy).toEqual([
      'dormant: ✓ count(orders) > 0    [count(orders) = 1]',
      'dormant: ✓ last(orders.placed_at) < 180 days ago    [last(orders.placed_at) = 2026-03-01T00:00:00.000Z, 180 days ago = 2026-05-26T00:00:00.000Z]',
    ]);
  });

  it('a customer who is not in the audience table', async () => {
    const failure = onlyFailure(await run(oneTest(`${LAPSED}\n  expect "zz" in dormant`)));
    expect(failure.message).toBe('expected "zz" in dormant, found: no customers row with that key');
    expect(failure.explanation).toBe('zz is not a key of customers.\n');
  });

  it('a metric', async () => {
    const failure = onlyFailure(await run(oneTest(`${LAPSED}\n  expect recency_days("c1") = 12\n  expect recency_days("c1") = 266\n  expect spend_12m("c1") > 400`)));
    expect(failure.message).toBe('expected recency_days("c1") = 12, found 266');
    expect(failure.decidedBy).toEqual(['recency_days = days_since(last(orders.placed_at))']);
  });

  it('a strategy, by the first rule that holds in each block', async () => {
    const failure = onlyFailure(await run(oneTest(`${LAPSED}\n  expect value_map("c1") = (grow, retain)`)));
    expect(failure.message).toBe('expected value_map("c1") = (grow, retain), found (reactivate, retain)');
    expect(failure.decidedBy).toEqual([
      'value_map primary = reactivate › dormant: ✓ count(orders) > 0    [count(orders) = 1]',
      'value_map primary = reactivate › dormant: ✓ last(orders.placed_at) < 180 days ago    [last(orders.placed_at) = 2026-03-01T00:00:00.000Z, 180 days ago = 2026-05-26T00:00:00.000Z]',
      'value_map secondary = retain: no `when` holds, so the `else`',
    ]);
    expect(failure.explanation).toContain('  secondary: retain\n    ✗ when … then cross_sell\n');
  });

  it('a plan’s offers: the offer’s eligibility, and the whole plan explanation as seg explain prints it', async () => {
    const failure = onlyFailure(
      await run(
        oneTest(`  customers { customer_id: "b2", email_opt_in: true }
  products { sku: "W80", name: "Baby wipes 80 pack", category: "Baby", margin: 0.3 }
  orders { order_id: "o2", customer: "b2", placed_at: 2026-11-20, channel: "web", total: 20 }
  order_lines { order: "o2", product: "W80", quantity: 2, price: 10 }
  expect weekly_email("b2") includes baby_wipes_20`),
      ),
    );
    expect(failure.message).toBe('expected weekly_email("b2") includes baby_wipes_20, found no offers');
    expect(failure.decidedBy).toEqual([
      'baby_wipes_20: not eligible',
      'baby_wipes_20 eligible: ✗ none(order_lines in last 14 days where product.name = "Baby wipes 80 pack")',
    ]);
    expect(failure.explanation).toContain('b2 is in the audience of plan weekly_email (as of 2026-11-22T00:00:00.000Z)\n');
    expect(failure.explanation).toContain('  ✗ baby_wipes_20 "20% off baby wipes": not eligible\n');
    expect(failure.explanation).toContain('After arbitration across all customers (top 8, at most 2 per category, caps):\n  no offer is a candidate for this customer.\n');
  });

  it('exact offers in rank order, and an audience that keeps the customer out', async () => {
    const exact = onlyFailure(await run(oneTest(`${LAPSED}\n  expect weekly_email("c1") = (welcome_10, winback_15)`)));
    expect(exact.message).toBe('expected weekly_email("c1") = (welcome_10, winback_15), found winback_15 (in rank order)');
    expect(exact.decidedBy[0]).toBe('welcome_10: not eligible');
    expect(exact.decidedBy).toContain('winback_15: chosen, rank 1 (score 5.4)');

    const unsubscribed = onlyFailure(
      await run(oneTest(`  customers { customer_id: "u1", email_opt_in: true }\n  email_events { event_id: "e1", customer: "u1", occurred_at: 2026-11-12, kind: "unsubscribe" }\n  expect weekly_email("u1") is not empty`)),
    );
    expect(unsubscribed.message).toBe('expected weekly_email("u1") is not empty, found no offers (not in the audience of weekly_email)');
    expect(unsubscribed.decidedBy).toEqual(['weekly_email audience › not unsubscribed: ✓ any(email_events where kind in ("unsubscribe", "complaint"))']);
  });

  it('reports every failing expectation of a test, not just the first', async () => {
    const report = await run(oneTest(`${LAPSED}\n  expect "c1" in active\n  expect "c1" in dormant\n  expect recency_days("c1") < 10`));
    expect(report.results[0]!.failures.map((f) => f.source)).toEqual(['expect "c1" in active', 'expect recency_days("c1") < 10']);
    expect(report.results[0]!.expectations).toBe(3);
  });
});

describe('holdout', () => {
  const share = 0.1;
  const keys = Array.from({ length: 200 }, (_, i) => `h${i}`);
  const held = keys.find((k) => isHeldOut('weekly_email', k, share))!;
  const kept = keys.find((k) => !isHeldOut('weekly_email', k, share))!;
  const customer = (key: string) =>
    `  customers { customer_id: "${key}", email_opt_in: true }\n  orders { order_id: "o-${key}", customer: "${key}", placed_at: 2026-03-01, channel: "web", total: 450 }`;

  it('is not applied unless the test asks: a held-out customer still gets the plan’s offers', async () => {
    const report = await run(oneTest(`${customer(held)}\n  expect weekly_email("${held}") includes winback_15`));
    expect(report.results[0]!.failures).toEqual([]);
  });

  it('applies to the plans a test asks about, with the draw the real run makes', async () => {
    const report = await run(
      oneTest(
        `${customer(held)}\n${customer(kept)}\n  expect "${held}" in holdout of weekly_email\n  expect weekly_email("${held}") is empty\n  expect "${kept}" not in holdout of weekly_email\n  expect weekly_email("${kept}") includes winback_15`,
      ),
    );
    expect(report.results[0]!.failures).toEqual([]);
    const wrong = onlyFailure(await run(oneTest(`${customer(kept)}\n  expect "${kept}" in holdout of weekly_email`)));
    expect(wrong.message).toBe(`expected "${kept}" in holdout of weekly_email, found: not held out`);
    expect(wrong.decidedBy).toEqual([`weekly_email: holds out 10 % of its audience, drawn by a hash of the plan's name and the key; "${kept}" is not drawn`]);
  });
});

describe('offer families', () => {
  const fixtures = `  customers { customer_id: "t1", email_opt_in: true }
  products { sku: "T1", name: "Blocks", category: "Toys", margin: 0.2 }
  orders { order_id: "o1", customer: "t1", placed_at: 2026-11-10, channel: "web", total: 30 }
  order_lines { order: "o1", product: "T1", quantity: 1, price: 30 }
  coupon_catalog { coupon_id: "C1", category: "Baby", base_score: 1, max_redemptions: 10 }
  coupon_catalog { coupon_id: "C2", category: "Outdoor", base_score: 1, max_redemptions: 10 }`;

  it('names one offer of a family as "family:key"; the family’s name matches any of its offers', async () => {
    const report = await run(
      oneTest(`${fixtures}\n  expect weekly_email("t1") includes "category_coupons:C1", category_coupons\n  expect weekly_email("t1") excludes "category_coupons:C2"\n  expect weekly_email("t1") = ("category_coupons:C1")`),
    );
    expect(report.results[0]!.failures).toEqual([]);
  });

  it('a wrong one fails with the family offer’s fate', async () => {
    const failure = onlyFailure(await run(oneTest(`${fixtures}\n  expect weekly_email("t1") includes "category_coupons:C2"`)));
    expect(failure.message).toBe('expected weekly_email("t1") includes "category_coupons:C2", found category_coupons:C1 (in rank order)');
    expect(failure.decidedBy).toEqual(['category_coupons:C2: not a candidate for this customer']);
  });
});

describe('the filter', () => {
  it('runs the tests whose title contains the text, ignoring case', async () => {
    const report = await run(undefined, { filter: 'BABY' });
    expect(report.results.map((r) => r.title)).toEqual(['baby households get the baby offer, unless they just bought wipes']);
    expect([report.passed, report.failed, report.total]).toEqual([1, 0, 3]);
  });
});

describe('a test the database cannot run', () => {
  it('is an error with the reason, and the other tests still run', async () => {
    let opened = 0;
    const report = await run(undefined, {
      open: async () => {
        if (opened++ === 1) throw new Error('no room on the database server');
        const { openInMemorySqlite } = await import('../../src/testing');
        return openInMemorySqlite();
      },
    });
    expect(report.results.map((r) => r.status)).toEqual(['passed', 'error', 'passed']);
    expect(report.results[1]!.error).toBe('no room on the database server');
    expect([report.passed, report.failed]).toEqual([2, 1]);
  });
});
