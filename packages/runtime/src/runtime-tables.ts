/** Tables the runtime owns in a user's database; never part of a pulled model. */
export const RUNTIME_TABLES: ReadonlySet<string> = new Set(['contacts', 'seg_runs', 'seg_run_offers', 'seg_memberships', 'seg_locks', 'seg_webhook_outbox']);

/** One row per run of a plan (run-history.ts). */
export const RUN_HISTORY_TABLE = 'seg_runs';
/** Per run, how many customers each offer went to. */
export const RUN_OFFERS_TABLE = 'seg_run_offers';
/** One lease row per plan being run (run/plan-lock.ts). */
export const PLAN_LOCK_TABLE = 'seg_locks';
/** Webhook batches waiting for (or done with) delivery (output/webhook-outbox.ts). */
export const WEBHOOK_OUTBOX_TABLE = 'seg_webhook_outbox';
