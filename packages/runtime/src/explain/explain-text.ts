/**
 * Explanations as the text `seg explain` prints (and `seg test` shows under a
 * failing expectation): one line per condition, ✓ or ✗, with the values seen.
 */
import type { CheckedWorkspace } from '@seg/core';
import type { ArbitrationExplanation } from './explain-arbitration';
import type { ExplainedCondition, PlanExplanation, SegmentExplanation, StrategyBlockExplanation, StrategyExplanation } from './explain-rule';

/** A value as a marketer reads it: `missing`, whole numbers plain, others to 4 decimals. */
export function showValue(value: unknown): string {
  if (value === null || value === undefined) return 'missing';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(4).replace(/0+$/, '');
  return String(value);
}

/** `✓ text    [operand = value, …]` — one condition on one line, no indentation. */
export function conditionLine(condition: ExplainedCondition): string {
  const values = condition.values.length > 0 ? `    [${condition.values.map((v) => `${v.text} = ${showValue(v.value)}`).join(', ')}]` : '';
  return `${condition.holds ? '✓' : '✗'} ${condition.text}${values}`;
}

/** The condition and everything under it, two spaces per level from `depth`. */
export function conditionText(condition: ExplainedCondition, depth: number): string {
  return `${'  '.repeat(depth)}${conditionLine(condition)}\n` + condition.children.map((c) => conditionText(c, depth + 1)).join('');
}

/** `KEY is not a key of customers.` */
export function notFoundText(key: string, audience: string): string {
  return `${key} is not a key of ${audience}.\n`;
}

export function segmentExplanationText(ws: CheckedWorkspace, segment: string, explanation: SegmentExplanation, asOf: Date): string {
  if (!explanation.found) return notFoundText(explanation.key, ws.model.audience);
  const label = ws.segments[segment]!.label;
  return `${explanation.key} is ${explanation.member ? '' : 'not '}in ${segment}${label ? ` "${label}"` : ''} (as of ${asOf.toISOString()})\n` + conditionText(explanation.condition, 1);
}

/** Whether the customer is in the plan's audience, condition by condition. */
export function planAudienceText(ws: CheckedWorkspace, planName: string, explanation: PlanExplanation, asOf: Date): string {
  if (!explanation.found) return notFoundText(explanation.key, ws.model.audience);
  const header = `${explanation.key} is ${explanation.member ? '' : 'not '}in the audience of plan ${planName} (as of ${asOf.toISOString()})\n`;
  return header + conditionText(explanation.condition, 1);
}

/**
 * A plan explanation: the audience, the holdout, each offer's eligibility and
 * score, and (when given: the customer is in the audience and not held out)
 * what the arbitration across all customers made of it.
 */
export function planExplanationText(
  ws: CheckedWorkspace,
  planName: string,
  explanation: PlanExplanation,
  arbitration: ArbitrationExplanation | undefined,
  asOf: Date,
): string {
  const { key } = explanation;
  let text = planAudienceText(ws, planName, explanation, asOf);
  if (!explanation.found || !explanation.member) return text;
  if (explanation.heldOut) return `${text}${key} is in the holdout (control group): never contacted by this plan.\n`;
  text += 'Offers, one by one:\n';
  for (const offer of explanation.offers) {
    const title = `${offer.offer}${offer.label ? ` "${offer.label}"` : ''}`;
    if (offer.excludedBecause) text += `  ✗ ${title}: ${offer.excludedBecause}\n`;
    else text += `  ✓ ${title}: eligible, score ${showValue(offer.score)}, value ${showValue(offer.value)}\n`;
    if (offer.eligible && !offer.eligible.holds) text += conditionText(offer.eligible, 2);
  }
  if (!arbitration) return text;
  if (arbitration.suppressed) return `${text}${key} is suppressed by the plan's contact rule this run: no offers.\n`;
  const plan = ws.plans[planName]!;
  text += `After arbitration across all customers (top ${plan.top}${plan.perCategory ? `, at most ${plan.perCategory} per category` : ''}, caps):\n`;
  if (arbitration.outcomes.length === 0) text += '  no offer is a candidate for this customer.\n';
  for (const o of arbitration.outcomes) {
    text += o.rank !== null ? `  ${o.rank}. ${o.offer}  score ${showValue(o.score)}\n` : `  –  ${o.offer}  score ${showValue(o.score)}: ${o.notChosenBecause}\n`;
  }
  return text;
}

/** Each block's rules in order up to the one that decided, with its condition. */
export function strategyExplanationText(strategy: string, explanation: StrategyExplanation, asOf: Date): string {
  const block = (name: string, b: StrategyBlockExplanation) => {
    let text = `  ${name}: ${b.outcome ?? 'missing'}\n`;
    for (const rule of b.rules) {
      if (!rule.condition) {
        text += `    ✓ else then ${rule.outcome}\n`;
        break;
      }
      text += `    ${rule.condition.holds ? '✓' : '✗'} when … then ${rule.outcome}\n` + conditionText(rule.condition, 3);
      if (rule.condition.holds) break;
    }
    return text;
  };
  return `${explanation.key} gets ${strategy} = (${explanation.primary.outcome}, ${explanation.secondary.outcome}) (as of ${asOf.toISOString()})\n` + block('primary', explanation.primary) + block('secondary', explanation.secondary);
}
