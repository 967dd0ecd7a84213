/**
 * `expect "c1" in dormant` (a segment), `expect "c1" in weekly_email` (a plan's
 * audience) and `expect "c9" in holdout of weekly_email`, each with `not in`.
 */
import type { TestExpectationDef } from '@seg/core';
import { explainPlan, explainSegment } from '../explain/explain-rule';
import { planAudienceText, planExplanationText, segmentExplanationText } from '../explain/explain-text';
import { decidedBy, PASSED, quotedKey, type Verdict } from './expectation-verdict';
import type { TestContext } from './test-context';

type Membership = Extract<TestExpectationDef, { kind: 'membership' }>;

export async function evaluateMembership(t: TestContext, e: Membership): Promise<Verdict> {
  if (e.holdout) return evaluateHoldout(t, e);
  const members = await t.query(t.compiled.members(e.target));
  const member = members.some((row) => String(row.key) === e.key);
  if (member !== e.negated) return PASSED;
  if (e.targetKind === 'segment') {
    const explanation = await explainSegment(t.db, t.ws, e.target, e.key, t.asOf);
    return {
      passed: false,
      found: foundMember(explanation.found, member, t.ws.model.audience),
      decidedBy: explanation.found ? decidedBy(e.target, explanation.condition) : [],
      explanation: segmentExplanationText(t.ws, e.target, explanation, t.asOf),
    };
  }
  const explanation = await explainPlan(t.db, t.ws, e.target, e.key, t.asOf);
  return {
    passed: false,
    found: foundMember(explanation.found, member, t.ws.model.audience),
    decidedBy: explanation.found ? decidedBy(`${e.target} audience`, explanation.condition) : [],
    explanation: planAudienceText(t.ws, e.target, explanation, t.asOf),
  };
}

function foundMember(found: boolean, member: boolean, audience: string): string {
  if (!found) return `found: no ${audience} row with that key`;
  return member ? 'found: a member' : 'found: not a member';
}

/** The holdout as the plan's run draws it (the test asks about it, so the plan runs with it). */
async function evaluateHoldout(t: TestContext, e: Membership): Promise<Verdict> {
  const run = await t.planRun(e.target, e.key);
  const heldOut = run.inAudience && run.heldOut;
  if (heldOut !== e.negated) return PASSED;
  const explanation = await explainPlan(t.db, t.ws, e.target, e.key, t.asOf);
  const share = `${Math.round(t.ws.plans[e.target]!.holdout * 1000) / 10} %`;
  const found =
    !explanation.found ? `found: no ${t.ws.model.audience} row with that key`
    : !run.inAudience ? `found: not in the audience of ${e.target}, so not in its holdout`
    : heldOut ? 'found: held out'
    : 'found: not held out';
  const draw = `${e.target}: holds out ${share} of its audience, drawn by a hash of the plan's name and the key; ${quotedKey(e.key)} is ${run.heldOut ? '' : 'not '}drawn`;
  return {
    passed: false,
    found,
    decidedBy: !explanation.found ? [] : !run.inAudience ? decidedBy(`${e.target} audience`, explanation.condition) : [draw],
    explanation: planExplanationText(t.ws, e.target, { ...explanation, heldOut: run.heldOut }, undefined, t.asOf),
  };
}
