/**
 * @seg/runtime — runs compiled Seg programs against a database.
 * Engine modules load lazily through `connect`, so importing this package
 * loads no native database binding.
 */
export { SegUserError, isSegUserError } from './errors';
export type { Database, Dialect, Row } from './db/database';
export { connect, SUPPORTED_DATABASE_URLS } from './db/connect';
export { bigintToNumber, timestampTextToIso } from './db/normalise-value';
export { loadWorkspace, resolveDatabaseUrl, type LoadedWorkspace } from './workspace/load-workspace';
export type { WorkspaceConfig } from './workspace/workspace-config';
export { csvRecord } from './output/csv';
export { introspectDatabase } from './introspect/introspect-database';
export type { DatabaseSchema, SchemaTable, SchemaColumn, SchemaForeignKey } from './introspect/database-schema';
export { modelFromSchema } from './introspect/model-from-schema';
export { RUNTIME_TABLES } from './runtime-tables';
export * from './demo';
export * from './fixtures';
export * from './datasets/cdnow';
export * from './explain/explain-rule';
export { explainArbitration, type ArbitrationExplanation, type OfferOutcome } from './explain/explain-arbitration';
export * from './explain/explain-text';
export { decidingConditions, type DecidingCondition } from './explain/deciding-conditions';
export * from './testing';
export { ensureRuntimeTables } from './history/ensure-runtime-tables';
export { runPlan } from './run/run-plan';
export { listRuns, readRun, ensureRunHistory, type ListRunsOptions } from './run/run-history';
export type { RunOptions, RunRecord, RunStatus, RunProgress, OutputTarget } from './run/run-types';
export { RUN_HISTORY_TABLE, RUN_OFFERS_TABLE } from './runtime-tables';
export { withPlanLock, lockHolderId, type PlanBusy, type PlanLockOptions, type PlanLockOutcome } from './run/plan-lock';
export { runPlanLocked, type LockedRunOptions } from './run/run-plan-locked';
export { startScheduler, DEFAULT_RETRY_DELAYS_MS, type Scheduler, type SchedulerOptions } from './schedule/scheduler';
export { dialectOfUrl, databaseFile } from './db/database-url';
export {
  stageWebhookBatches,
  ensureWebhookOutbox,
  readOutboxBatches,
  DEFAULT_WEBHOOK_BATCH_SIZE,
  type WebhookStageTarget,
  type RowPages,
  type StagedWebhookBatches,
  type OutboxBatch,
} from './output/webhook-outbox';
export {
  deliverWebhookBatches,
  type WebhookDeliveryOptions,
  type WebhookDeliveryResult,
  type WebhookDeliveryState,
} from './output/webhook-delivery';
export {
  deliverWebhookRun,
  finishDeliveringRun,
  resumeWebhookDeliveries,
  type WebhookRunDelivery,
  type ResumeWebhookOptions,
} from './output/webhook-runs';
export { compareModelWithSchema } from './introspect/compare-model';
export * from './diff';
export { applyWorkspaceSettings, TIMESTAMP_SETTINGS, type TimestampSetting } from './workspace/workspace-settings';
