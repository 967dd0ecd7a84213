import { decidingConditions, pathParts } from '../explain/deciding-conditions';
import type { ExplainedCondition } from '../explain/explain-rule';
import { conditionLine } from '../explain/explain-text';

/** One expectation's result; a failing one says what was found and why. */
export type Verdict =
  | { readonly passed: true }
  | {
      readonly passed: false;
      /** Follows `expected …, `: `found: not a member`, `found 14`. */
      readonly found: string;
      readonly decidedBy: readonly string[];
      readonly explanation: string;
    };

export const PASSED: Verdict = { passed: true };

/** `rule › not unsubscribed: ✓ condition    [values]`, one line per condition that decided `condition`. */
export function decidedBy(rule: string, condition: ExplainedCondition): string[] {
  return decidingConditions(condition).map(({ condition: c, path }) => `${[rule, ...pathParts(path)].join(' › ')}: ${conditionLine(c)}`);
}

/** `"c1"` as the test wrote the key. */
export function quotedKey(key: string): string {
  return JSON.stringify(key);
}
