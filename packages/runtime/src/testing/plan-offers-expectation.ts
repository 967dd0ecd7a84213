/**
 * `expect weekly_email("c1") includes winback_15` (`excludes`, `= (a, b)` in rank
 * order, `is empty`, `is not empty`): the offers a dry run of the plan gives the
 * customer as of the test's time, after arbitration across all fixture customers.
 * A family's name matches any of its offers; `"family:key"` one of them.
 */
import type { CheckedWorkspace, TestExpectationDef } from '@seg/core';
import type { ArbitrationExplanation } from '../explain/explain-arbitration';
import { explainPlan, type PlanExplanation } from '../explain/explain-rule';
import { planExplanationText, showValue } from '../explain/explain-text';
import { decidedBy, PASSED, type Verdict } from './expectation-verdict';
import type { TestContext } from './test-context';

type PlanOffers = Extract<TestExpectationDef, { kind: 'planOffers' }>;

export async function evaluatePlanOffers(t: TestContext, e: PlanOffers): Promise<Verdict> {
  const run = await t.planRun(e.plan, e.key);
  const sent = sentOffers(run);
  const matches = (name: string, offer: string) => offerMatches(t.ws, name, offer);
  const passed =
    e.op === 'includes' ? e.offers.every((name) => sent.some((offer) => matches(name, offer)))
    : e.op === 'excludes' ? !e.offers.some((name) => sent.some((offer) => matches(name, offer)))
    : e.op === 'isEmpty' ? sent.length === 0
    : e.op === 'isNotEmpty' ? sent.length > 0
    : sent.length === e.offers.length && e.offers.every((name, i) => matches(name, sent[i]!));
  if (passed) return PASSED;

  const explanation = { ...(await explainPlan(t.db, t.ws, e.plan, e.key, t.asOf)), heldOut: run.inAudience && run.heldOut };
  const why = emptyBecause(t, e, explanation, run);
  const named = e.op === 'isEmpty' || e.op === 'isNotEmpty' ? undefined : e.offers;
  return {
    passed: false,
    found: sent.length > 0 ? `found ${sent.join(', ')} (in rank order)` : `found no offers${why ? ` (${why})` : ''}`,
    decidedBy: why !== undefined ? whyEmpty(e, explanation) : offerDecisions(t.ws, named ?? sent, explanation, run),
    explanation: planExplanationText(t.ws, e.plan, explanation, run.inAudience && !run.heldOut ? run : undefined, t.asOf),
  };
}

/** The offers chosen for the customer, in rank order. */
function sentOffers(run: ArbitrationExplanation): string[] {
  if (!run.inAudience || run.heldOut || run.suppressed) return [];
  return run.outcomes.filter((o) => o.rank !== null).map((o) => o.offer);
}

/** `winback_15` is itself; a family's name is any of its offers; `"family:key"` one of them. */
function offerMatches(ws: CheckedWorkspace, name: string, offer: string): boolean {
  return name === offer || (ws.offers[name]?.family !== undefined && offer.startsWith(`${name}:`));
}

/** Why the customer gets nothing at all, when it is not the offers themselves. */
function emptyBecause(t: TestContext, e: PlanOffers, explanation: PlanExplanation, run: ArbitrationExplanation): string | undefined {
  if (!explanation.found) return `no ${t.ws.model.audience} row with that key`;
  if (!run.inAudience) return `not in the audience of ${e.plan}`;
  if (run.heldOut) return `in the holdout of ${e.plan}`;
  if (run.suppressed) return `suppressed by ${e.plan}'s contact rule`;
  return undefined;
}

function whyEmpty(e: PlanOffers, explanation: PlanExplanation): string[] {
  if (!explanation.found) return [];
  if (!explanation.member) return decidedBy(`${e.plan} audience`, explanation.condition);
  return explanation.heldOut ? [`${e.plan}: the test asks about its holdout, so it runs with it`] : [`${e.plan}: suppress rule`];
}

/** For each offer the expectation names (or, for `is empty`, each offer sent): what decided its fate. */
function offerDecisions(ws: CheckedWorkspace, names: readonly string[], explanation: PlanExplanation, run: ArbitrationExplanation): string[] {
  return names.flatMap((name) => {
    const outcomes = run.outcomes.filter((o) => offerMatches(ws, name, o.offer));
    const base = ws.offers[name] ? name : name.slice(0, name.indexOf(':'));
    const offer = explanation.offers.find((o) => o.offer === base);
    const eligibility = offer?.eligible ? decidedBy(`${base} eligible`, offer.eligible) : [];
    if (outcomes.length === 0) {
      if (offer?.excludedBecause && offer.excludedBecause !== 'not eligible' && !ws.offers[base]?.family) return [`${name}: ${offer.excludedBecause}`];
      if (offer?.eligible && !offer.eligible.holds) return [`${name}: not eligible`, ...eligibility];
      return [ws.offers[name]?.family ? `${name}: no offer of the family is a candidate for this customer` : `${name}: not a candidate for this customer`];
    }
    return [
      ...outcomes.map((o) =>
        o.rank !== null ? `${o.offer}: chosen, rank ${o.rank} (score ${showValue(o.score)})` : `${o.offer}: a candidate (score ${showValue(o.score)}), not chosen: ${o.notChosenBecause}`,
      ),
      ...eligibility,
    ];
  });
}
