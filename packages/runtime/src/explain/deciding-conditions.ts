import type { ExplainedCondition } from './explain-rule';

export interface DecidingCondition {
  readonly condition: ExplainedCondition;
  /** The segments and `not`s it sits in, outermost first: `['not', 'unsubscribed']`. */
  readonly path: readonly string[];
}

const SEGMENT_SUFFIX = ' (segment)';

/**
 * The innermost conditions that decided whether `condition` holds, for a
 * "decided by" line: a failing `all of` by its failing parts, a holding
 * `any of` by its holding parts, otherwise by all of them; `not` and a segment
 * reference by what decided inside (recorded in the path).
 */
export function decidingConditions(condition: ExplainedCondition, path: readonly string[] = []): DecidingCondition[] {
  const { children, text } = condition;
  if (children.length === 0) return [{ condition, path }];
  const inner = text === 'not' ? [...path, 'not'] : text.endsWith(SEGMENT_SUFFIX) ? [...path, text.slice(0, -SEGMENT_SUFFIX.length)] : path;
  const deciding =
    text === 'all of' && !condition.holds ? children.filter((c) => !c.holds)
    : text === 'any of' && condition.holds ? children.filter((c) => c.holds)
    : children;
  return deciding.flatMap((c) => decidingConditions(c, inner));
}

/** `not unsubscribed`, `dormant`: a path as words, one part per segment. */
export function pathParts(path: readonly string[]): string[] {
  const parts: string[] = [];
  let nots = '';
  for (const step of path) {
    if (step === 'not') nots += 'not ';
    else {
      parts.push(nots + step);
      nots = '';
    }
  }
  if (nots) parts.push(nots.trim());
  return parts;
}
