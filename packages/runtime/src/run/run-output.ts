/**
 * Where a run's rows go, and the extension point every output kind plugs into.
 *
 * An output writes inside the run's transaction (`write`, once the rows work
 * table is filled), so what it puts in the database commits or rolls back with
 * the run. Work outside the database waits for the commit (`afterCommit`: a
 * CSV is renamed into place) and is undone on failure (`discard`).
 *
 * Webhook (webhook-output.ts): `write` stages the rows in the transactional
 * outbox, `committedStatus` is 'delivering', and `afterCommit` delivers and
 * returns the status it leaves.
 */
import { isAbsolute, resolve } from 'node:path';
import type { RankingPlan } from '@seg/compiler';
import { CsvOutput } from './csv-output';
import type { RunValues } from './run-rows';
import type { RunSession } from './run-session';
import type { OutputTarget, RunStatus } from './run-types';
import { TableOutput } from './table-output';
import { WebhookOutput } from './webhook-output';
import type { Database } from '../db/database';

/** The run's facts and how many rows the rows work table holds. */
export interface OutputRows extends RunValues {
  readonly rows: number;
}

export interface RunOutput {
  readonly kind: OutputTarget['kind'];
  /** What the run record shows: the table, the file's absolute path, the URL; null for none. */
  readonly target: string | null;
  /** Inside the run transaction, after the rows work table is filled (see run-rows.ts). */
  write(session: RunSession, output: OutputRows): Promise<void>;
  /**
   * Recorded in `seg_runs` with the commit. Default: 'succeeded' without an
   * `afterCommit` step; with one, the run stays 'running' until it resolves.
   */
  readonly committedStatus?: RunStatus;
  /** After the commit; its status (default 'succeeded') is recorded once it resolves, a failure is recorded as failed. */
  afterCommit?(): Promise<RunStatus | void>;
  /** After a failure: remove anything written outside the database. Never throws. */
  discard?(): Promise<void>;
}

class NoOutput implements RunOutput {
  readonly kind = 'none' as const;
  readonly target = null;
  async write(): Promise<void> {}
}

/** The plan's own output, unless the caller overrides it. */
export function outputTarget(plan: RankingPlan, override?: OutputTarget): OutputTarget {
  if (override) return override;
  const { kind, target } = plan.output;
  if (kind === 'none' || target === null) return { kind: 'none' };
  if (kind === 'table') return { kind, table: target };
  if (kind === 'csv') return { kind, path: target };
  return { kind, url: target };
}

/** How the run record names an output: the table, the file's absolute path, the URL. */
export function describeTarget(target: OutputTarget, cwd: string): { kind: OutputTarget['kind']; target: string | null } {
  switch (target.kind) {
    case 'none':
      return { kind: 'none', target: null };
    case 'table':
      return { kind: 'table', target: target.table };
    case 'csv':
      return { kind: 'csv', target: csvPath(target.path, cwd) };
    case 'webhook':
      return { kind: 'webhook', target: target.url };
  }
}

const csvPath = (path: string, cwd: string) => (isAbsolute(path) ? path : resolve(cwd, path));

export function createRunOutput(
  target: OutputTarget,
  context: { readonly cwd: string; readonly runId: string; readonly db: Database; readonly signal?: AbortSignal },
): RunOutput {
  switch (target.kind) {
    case 'none':
      return new NoOutput();
    case 'table':
      return new TableOutput(target.table);
    case 'csv':
      return new CsvOutput(csvPath(target.path, context.cwd), context.runId);
    case 'webhook':
      return new WebhookOutput(target.url, {
        db: context.db,
        runId: context.runId,
        ...(target.batchSize ? { batchSize: target.batchSize } : {}),
        ...(context.signal ? { signal: context.signal } : {}),
      });
  }
}
