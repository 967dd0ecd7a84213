/**
 * `seg diff`, first step and pure: which segments, strategies and plans of two
 * checked workspaces differ in meaning. A rule's meaning is what it compiles
 * to — SQL text and bound parameters, with every metric, segment, constant and
 * list it uses inlined — plus the time zone its times are read in. So a changed
 * metric changes every rule that uses it, while a comment, a reformat or a
 * changed label changes nothing. No database is involved.
 */
import type { CheckedWorkspace } from '@seg/core';
import { compileMembers, compilePlan, compileStrategy, type DialectName } from '@seg/compiler';

export const DIFF_KINDS = ['segment', 'strategy', 'plan'] as const;
export type DiffKind = (typeof DIFF_KINDS)[number];
export type ChangeStatus = 'added' | 'removed' | 'changed';

export interface RuleChange {
  readonly kind: DiffKind;
  readonly name: string;
  readonly status: ChangeStatus;
}

/**
 * The rules whose meaning differs between `base` and `head`, by kind then name;
 * unchanged rules are left out. `dialect`: the engine the comparison will run on.
 *
 * @example ruleChanges(before, after, 'sqlite') // [{ kind: 'segment', name: 'high_value', status: 'changed' }, …]
 */
export function ruleChanges(base: CheckedWorkspace, head: CheckedWorkspace, dialect: DialectName): RuleChange[] {
  const changes: RuleChange[] = [];
  for (const kind of DIFF_KINDS) {
    const before = rulesOf(base, kind);
    const after = rulesOf(head, kind);
    const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(byCodePoint);
    for (const name of names) {
      if (!Object.hasOwn(before, name)) changes.push({ kind, name, status: 'added' });
      else if (!Object.hasOwn(after, name)) changes.push({ kind, name, status: 'removed' });
      else if (ruleMeaning(base, kind, name, dialect) !== ruleMeaning(head, kind, name, dialect)) changes.push({ kind, name, status: 'changed' });
    }
  }
  return changes;
}

/**
 * A rule's meaning as text, equal for equal meanings: the members query of a
 * segment (as `seg members` runs it), the `(key, primary, secondary)` query of a
 * strategy, the ranking plan of a plan. Labels, stage descriptions, the schedule,
 * the output destination and the source hash say nothing about who is reached,
 * so they are left out.
 */
export function ruleMeaning(ws: CheckedWorkspace, kind: DiffKind, name: string, dialect: DialectName): string {
  const compiled =
    kind === 'segment' ? compileMembers(ws, name, dialect) : kind === 'strategy' ? compileStrategy(ws, name, dialect) : compilePlan(ws, name, dialect);
  return JSON.stringify([ws.timezone, compiled], (key, value: unknown) => (NOT_MEANING.has(key) ? undefined : value));
}

const NOT_MEANING = new Set(['sourceHash', 'label', 'description', 'schedule', 'output']);

function rulesOf(ws: CheckedWorkspace, kind: DiffKind): Readonly<Record<string, unknown>> {
  return kind === 'segment' ? ws.segments : kind === 'strategy' ? ws.strategies : ws.plans;
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
