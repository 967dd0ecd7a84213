/**
 * `seg diff`, second step: the audience impact of the changed rules on one
 * database as of one time. Each changed rule's query runs once per side and
 * the two results are compared in the database (set differences, a join of
 * strategy outcomes), so no member list passes through JavaScript; an offer's
 * reach is counted from a dry run of each side's plan. Unchanged rules never run.
 */
import type { CheckedWorkspace } from '@seg/core';
import { compileMembers, compilePlan, compileStrategy } from '@seg/compiler';
import type { Database } from '../db/database';
import { ensureRuntimeTables } from '../history/ensure-runtime-tables';
import { ensureRunHistory, previousSucceededRun } from '../run/run-history';
import { offerReach, reachChanges, type OfferReach } from './offer-reach';
import type { ChangeStatus, RuleChange } from './rule-changes';
import { compareMembers, compareStrategies, type SetComparison, type StrategyMove } from './set-comparison';

export type { OfferReach, SetComparison, StrategyMove };

export interface SegmentImpact extends SetComparison {
  readonly name: string;
  readonly status: ChangeStatus;
}

export interface StrategyImpact {
  readonly name: string;
  readonly status: ChangeStatus;
  /** Customers whose primary (secondary) outcome differs; for an added or removed strategy, everyone it assigns. */
  readonly moved: { readonly primary: number; readonly secondary: number };
  /** Every (from → to) pair with its customers, most customers first; null is "no outcome" (the strategy is absent on that side). */
  readonly moves: readonly StrategyMove[];
}

export interface PlanImpact extends SetComparison {
  readonly name: string;
  readonly status: ChangeStatus;
  /** Offers whose reach differs (eligible candidates of a dry run: holdout and suppressed customers excluded), by name. */
  readonly offers: readonly OfferReach[];
}

export interface AudienceDiff {
  readonly segments: readonly SegmentImpact[];
  readonly strategies: readonly StrategyImpact[];
  readonly plans: readonly PlanImpact[];
}

export interface AudienceDiffInput {
  readonly base: CheckedWorkspace;
  readonly head: CheckedWorkspace;
  /** From `ruleChanges`: only these rules are measured. */
  readonly changes: readonly RuleChange[];
  readonly asOf: Date;
  readonly onProgress?: (message: string) => void;
}

/**
 * Measures every change on `db`. Writes nothing but the runtime's own tables
 * when a changed plan needs them (as `seg members PLAN` and `seg explain` do).
 *
 * @example
 *   const changes = ruleChanges(base, head, db.dialect);
 *   const diff = await measureAudienceDiff(db, { base, head, changes, asOf });
 */
export async function measureAudienceDiff(db: Database, input: AudienceDiffInput): Promise<AudienceDiff> {
  const { base, head, asOf } = input;
  const progress = input.onProgress ?? (() => {});
  const sides = (change: RuleChange) => ({
    before: change.status === 'added' ? undefined : base,
    after: change.status === 'removed' ? undefined : head,
  });
  const plans = input.changes.filter((c) => c.kind === 'plan');
  if (plans.length > 0) {
    // A plan's audience may read the membership history and its last run (`entered(…)`).
    await ensureRunHistory(db);
    await ensureRuntimeTables(db, Object.keys(head.plans).length > 0 ? head : base);
  }

  const segments: SegmentImpact[] = [];
  const strategies: StrategyImpact[] = [];
  const audiences = new Map<string, SetComparison>();
  // One transaction: the comparison's temporary tables stay on one connection.
  await db.transaction(async (tx) => {
    for (const change of input.changes) {
      const { before, after } = sides(change);
      const { name, status } = change;
      progress(`Comparing ${change.kind} ${name}`);
      if (change.kind === 'segment') {
        const query = (ws: CheckedWorkspace) => ({ query: compileMembers(ws, name, tx.dialect), context: { asOf, timeZone: ws.timezone } });
        segments.push({ name, status, ...(await compareMembers(tx, side(before, query), side(after, query))) });
      } else if (change.kind === 'strategy') {
        const query = (ws: CheckedWorkspace) => ({ query: compileStrategy(ws, name, tx.dialect), context: { asOf, timeZone: ws.timezone } });
        const moves = await compareStrategies(tx, side(before, query), side(after, query));
        const moved = (which: StrategyMove['which']) => moves.filter((m) => m.which === which).reduce((n, m) => n + m.customers, 0);
        strategies.push({ name, status, moved: { primary: moved('primary'), secondary: moved('secondary') }, moves });
      } else {
        // As the plan's next run would see it: entered()/left() compare with its last successful run.
        const previousRunId = await previousSucceededRun(tx, name, asOf);
        const query = (ws: CheckedWorkspace) => ({
          query: compileMembers(ws, name, tx.dialect),
          context: { asOf, timeZone: ws.timezone, previousRunId },
        });
        audiences.set(name, await compareMembers(tx, side(before, query), side(after, query)));
      }
    }
  });

  const planImpacts: PlanImpact[] = [];
  for (const change of plans) {
    const { name, status } = change;
    progress(`Counting the offers of plan ${name}`);
    const { before, after } = sides(change);
    const reachBefore = before ? await offerReach(db, compilePlan(before, name, db.dialect), asOf) : undefined;
    const reachAfter = after ? await offerReach(db, compilePlan(after, name, db.dialect), asOf) : undefined;
    planImpacts.push({ name, status, ...audiences.get(name)!, offers: reachChanges(reachBefore, reachAfter) });
  }
  return { segments, strategies, plans: planImpacts };
}

const side = <T>(ws: CheckedWorkspace | undefined, query: (ws: CheckedWorkspace) => T): T | undefined => (ws ? query(ws) : undefined);
