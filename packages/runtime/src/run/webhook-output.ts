/**
 * `output webhook URL`: the run's rows staged as JSON batches in the
 * transactional outbox (seg_webhook_outbox) inside the run's transaction, so
 * they exist exactly when the run committed; delivered after the commit. A
 * run whose batches are not all acknowledged stays `delivering` and is resumed
 * later (`resumeWebhookDeliveries`), never re-staged.
 */
import { stageWebhookBatches } from '../output/webhook-outbox';
import { deliverWebhookRun } from '../output/webhook-runs';
import type { Database } from '../db/database';
import type { OutputRows, RunOutput } from './run-output';
import { readRunRows } from './run-rows';
import type { RunSession } from './run-session';
import type { RunStatus } from './run-types';

export class WebhookOutput implements RunOutput {
  readonly kind = 'webhook' as const;
  readonly committedStatus: RunStatus = 'delivering';

  /** `db`: the database outside the run's transaction, for delivering after the commit. */
  constructor(
    readonly target: string,
    private readonly context: { readonly db: Database; readonly runId: string; readonly batchSize?: number; readonly signal?: AbortSignal },
  ) {}

  async write(session: RunSession, output: OutputRows): Promise<void> {
    const { batchSize } = this.context;
    await stageWebhookBatches(
      session.db,
      { runId: output.runId, plan: output.plan, asOf: output.asOf, url: this.target, ...(batchSize ? { batchSize } : {}) },
      readRunRows(session),
    );
  }

  async afterCommit(): Promise<RunStatus> {
    const { db, runId, signal } = this.context;
    const delivery = await deliverWebhookRun(db, runId, signal ? { signal } : {});
    return delivery.status ?? 'delivering';
  }
}
