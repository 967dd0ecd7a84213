/**
 * The contract between the plan executor (`runPlan`), the scheduler, the CLI
 * and the outputs. A run executes one compiled ranking plan (see
 * packages/compiler/README.md, "Ranking plan") as of one time, inside one
 * database transaction, and is recorded in `seg_runs` whatever happens.
 */
import type { StageName } from '@seg/compiler';

export type RunStatus =
  /** Started, not finished (a row left `running` by a killed process is marked `interrupted` later). */
  | 'running'
  | 'succeeded'
  | 'failed'
  /** Committed; webhook batches still to deliver (retryable). */
  | 'delivering'
  | 'interrupted';

/** Where a run's rows go; by default what the plan says (`plan.output`). */
export type OutputTarget =
  | { readonly kind: 'table'; readonly table: string }
  | { readonly kind: 'csv'; readonly path: string }
  | { readonly kind: 'webhook'; readonly url: string; readonly batchSize?: number }
  | { readonly kind: 'none' };

export interface RunProgress {
  readonly stage: StageName | 'deliver';
  readonly done: number;
  readonly total: number;
  readonly message?: string;
}

export interface RunOptions {
  readonly asOf: Date;
  /** Resolves a relative CSV path (default: process.cwd()). */
  readonly cwd?: string;
  /** Overrides the plan's own output. */
  readonly output?: OutputTarget;
  /** Aborting stops the run before its next statement and rolls it back; recorded as failed ("cancelled"). */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RunProgress) => void;
  /** A fixed run id (tests); default a new UUID. */
  readonly runId?: string;
  /** Skip the holdout draw (plan expectations in `seg test`). */
  readonly ignoreHoldout?: boolean;
  /** Injected clock for started/finished times (tests); default `() => new Date()`. */
  readonly now?: () => Date;
}

/** One row of `seg_runs` (plus its per-offer counts from `seg_run_offers`). */
export interface RunRecord {
  readonly runId: string;
  readonly plan: string;
  /** ISO-8601 UTC. */
  readonly asOf: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly status: RunStatus;
  readonly error: string | null;
  readonly audience: number;
  readonly holdout: number;
  readonly suppressed: number;
  /** Assignments written (customer, offer) — holdout rows not counted. */
  readonly rows: number;
  readonly offers: Readonly<Record<string, number>>;
  readonly sourceHash: string;
  readonly output: { readonly kind: OutputTarget['kind']; readonly target: string | null };
}
