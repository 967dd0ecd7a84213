/**
 * Webhook delivery at the level of runs: a committed webhook run is recorded
 * in `seg_runs` as `delivering` and becomes `succeeded` once every batch is
 * acknowledged (`failed` if a newer run of the same plan and as-of replaced it).
 *
 * `seg_runs` belongs to the executor (run/run-history.ts); this module only
 * moves a `delivering` run on, through `status`, `error` and `finished_at`.
 */
import type { Database } from '../db/database';
import type { RunStatus } from '../run/run-types';
import { bound } from '../run/sql-text';
import { RUN_HISTORY_TABLE } from '../runtime-tables';
import {
  deliverWebhookBatches,
  isRejection,
  type WebhookDeliveryOptions,
  type WebhookDeliveryResult,
} from './webhook-delivery';
import { readDeliveringRuns } from './webhook-outbox';

export interface WebhookRunDelivery extends WebhookDeliveryResult {
  /** The run's `seg_runs` status afterwards. */
  readonly status: RunStatus | null;
}

/**
 * Records a delivery result on the run: `delivering` → `succeeded` when every
 * batch was acknowledged, → `failed` when superseded (both set `finished_at`:
 * a webhook run ends when its output has arrived); otherwise the run stays
 * `delivering` (retryable) with the error. Only a `delivering` run changes.
 */
export async function finishDeliveringRun(
  db: Database,
  result: WebhookDeliveryResult,
  now: () => Date = () => new Date(),
): Promise<RunStatus | null> {
  const finishedAt = now().toISOString();
  const update = bound(db.dialect, (p) => {
    const set =
      result.state === 'delivered'
        ? `status = 'succeeded', error = NULL, finished_at = ${p(finishedAt)}`
        : result.state === 'superseded'
          ? `status = 'failed', error = ${p(result.error)}, finished_at = ${p(finishedAt)}`
          : `error = ${p(`webhook delivery stopped after ${result.delivered} of ${result.batches} batches: ${result.error}`)}`;
    return `UPDATE ${RUN_HISTORY_TABLE} SET ${set} WHERE run_id = ${p(result.runId)} AND status = 'delivering'`;
  });
  await db.query(update.sql, update.params);
  const select = bound(db.dialect, (p) => `SELECT status FROM ${RUN_HISTORY_TABLE} WHERE run_id = ${p(result.runId)}`);
  const [row] = await db.query<{ status: RunStatus }>(select.sql, select.params);
  return row?.status ?? null;
}

/**
 * Delivers one run's undelivered batches and records the outcome on the run —
 * what the executor calls after committing a webhook run, and what an explicit
 * re-delivery calls (it retries a run the receiver rejected, too).
 */
export async function deliverWebhookRun(
  db: Database,
  runId: string,
  options: WebhookDeliveryOptions = {},
): Promise<WebhookRunDelivery> {
  const result = await deliverWebhookBatches(db, runId, options);
  return { ...result, status: await finishDeliveringRun(db, result, options.now) };
}

export interface ResumeWebhookOptions extends WebhookDeliveryOptions {
  /** Only this plan's runs. */
  readonly plan?: string;
  /** Also retry runs whose receiver rejected a batch (4xx); default false. */
  readonly retryRejected?: boolean;
}

/**
 * Resumes every `delivering` run, oldest first (the next `seg run`, a
 * scheduler tick). A plan's runs go out in order: when one stays pending, that
 * plan's later runs wait for the next call. Runs the receiver rejected are
 * skipped unless `retryRejected` — a receiver that refused a payload will
 * refuse it again.
 */
export async function resumeWebhookDeliveries(
  db: Database,
  options: ResumeWebhookOptions = {},
): Promise<WebhookRunDelivery[]> {
  const results: WebhookRunDelivery[] = [];
  const waiting = new Set<string>();
  for (const next of await readDeliveringRuns(db, options.plan)) {
    if (options.signal?.aborted) break;
    if (waiting.has(next.plan)) continue;
    if (next.deliveredAt === null && isRejection(next.lastStatus) && !options.retryRejected) continue;
    const delivery = await deliverWebhookRun(db, next.runId, options);
    results.push(delivery);
    if (delivery.state === 'pending') waiting.add(next.plan);
  }
  return results;
}
