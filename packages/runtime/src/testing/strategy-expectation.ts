/** `expect value_map("c1") = (reactivate, retain)` (or `!=`; `(primary)` leaves the secondary open). */
import type { TestExpectationDef } from '@seg/core';
import { explainStrategy, type StrategyBlockExplanation } from '../explain/explain-rule';
import { strategyExplanationText } from '../explain/explain-text';
import { decidedBy, PASSED, type Verdict } from './expectation-verdict';
import type { TestContext } from './test-context';

type StrategyExpectation = Extract<TestExpectationDef, { kind: 'strategy' }>;

export async function evaluateStrategy(t: TestContext, e: StrategyExpectation): Promise<Verdict> {
  const row = (await t.query(t.compiled.strategy(e.strategy))).find((r) => String(r.key) === e.key);
  const primary = row ? String(row.primary) : undefined;
  const secondary = row ? String(row.secondary) : undefined;
  const same = primary === e.primary && (e.secondary === undefined || secondary === e.secondary);
  if (row && same !== e.negated) return PASSED;
  const explanation = await explainStrategy(t.db, t.ws, e.strategy, e.key, t.asOf);
  return {
    passed: false,
    found: row ? `found (${primary}, ${secondary})` : `found: no ${t.ws.model.audience} row with that key`,
    decidedBy: row ? [...decidingRule(`${e.strategy} primary`, explanation.primary), ...decidingRule(`${e.strategy} secondary`, explanation.secondary)] : [],
    explanation: row ? strategyExplanationText(e.strategy, explanation, t.asOf) : `${e.key} is not a key of ${t.ws.model.audience}.\n`,
  };
}

/** The first rule that holds, by the conditions that made it hold (or the `else`). */
function decidingRule(block: string, explanation: StrategyBlockExplanation): string[] {
  const rule = explanation.rules.find((r) => !r.condition || r.condition.holds);
  if (!rule) return [];
  if (!rule.condition) return [`${block} = ${rule.outcome}: no \`when\` holds, so the \`else\``];
  return decidedBy(`${block} = ${rule.outcome}`, rule.condition);
}
