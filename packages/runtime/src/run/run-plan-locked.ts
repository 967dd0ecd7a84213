import type { RankingPlan } from '@seg/compiler';
import type { Database } from '../db/database';
import { type PlanBusy, type PlanLockOptions, withPlanLock } from './plan-lock';
import { resumeWebhookDeliveries } from '../output/webhook-runs';
import { runPlan } from './run-plan';
import type { RunOptions, RunRecord } from './run-types';

export interface LockedRunOptions extends RunOptions {
  /** What is running the plan, as busy messages name it (default "seg run"). */
  readonly holder?: string;
  readonly lock?: PlanLockOptions;
}

/**
 * `runPlan` holding the plan's lock (plan-lock.ts): never two runs of one plan
 * at once, across processes. Resolves to the run's record, or to `PlanBusy`
 * (`status: 'busy'`, with a message naming who runs it since when) without
 * running. A lost lock cancels the run like an abort. Under the same lock it
 * first resumes the plan's earlier webhook deliveries left pending, so batches
 * go out in run order and never twice at once.
 *
 * @example
 *   const result = await runPlanLocked(db, plan, { asOf });
 *   if (result.status === 'busy') console.error(result.message);
 */
export async function runPlanLocked(db: Database, plan: RankingPlan, options: LockedRunOptions): Promise<RunRecord | PlanBusy> {
  const { holder = 'seg run', lock, ...runOptions } = options;
  const outcome = await withPlanLock(
    db,
    plan.plan,
    holder,
    async (lockLost) => {
      const signal = runOptions.signal ? AbortSignal.any([runOptions.signal, lockLost]) : lockLost;
      await resumeWebhookDeliveries(db, { plan: plan.plan, signal });
      return runPlan(db, plan, { ...runOptions, signal });
    },
    lock,
  );
  return outcome.status === 'acquired' ? outcome.value : outcome;
}
