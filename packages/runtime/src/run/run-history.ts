/**
 * The run history: `seg_runs` (one row per run, whatever happened) and
 * `seg_run_offers` (per run, how many customers each offer went to).
 *
 * Times are ISO-8601 UTC text on every engine (as `seg_locks` and the webhook
 * outbox keep them): they sort correctly as text and read back identically.
 */
import type { Database } from '../db/database';
import { RUN_HISTORY_TABLE, RUN_OFFERS_TABLE } from '../runtime-tables';
import type { OutputTarget, RunRecord, RunStatus } from './run-types';
import { bound, quoteIdentifier as q } from './sql-text';

const RUNS = q(RUN_HISTORY_TABLE);
const OFFERS = q(RUN_OFFERS_TABLE);

const CREATE_RUNS = `create table if not exists ${RUNS} (
  run_id text primary key,
  plan text not null,
  as_of text not null,
  started_at text not null,
  finished_at text,
  status text not null,
  error text,
  audience integer,
  holdout integer,
  suppressed integer,
  "rows" integer,
  source_hash text,
  output_kind text,
  output_target text
)`;

const CREATE_OFFERS = `create table if not exists ${OFFERS} (
  run_id text not null,
  offer text not null,
  "count" integer not null,
  primary key (run_id, offer)
)`;

/** Creates the history tables if they are missing (idempotent). */
export async function ensureRunHistory(db: Database): Promise<void> {
  await db.exec(CREATE_RUNS);
  await db.exec(CREATE_OFFERS);
}

export interface RunStart {
  readonly runId: string;
  readonly plan: string;
  readonly asOf: Date;
  readonly startedAt: Date;
  readonly sourceHash: string;
  readonly output: { readonly kind: OutputTarget['kind']; readonly target: string | null };
}

/**
 * Records a run as `running`, in its own short transaction, so the row exists
 * whatever happens to the run. Older `running` rows of the plan were left by a
 * killed process (the plan lock allows one live run per plan): they become
 * `interrupted`.
 */
export async function recordRunStart(db: Database, start: RunStart): Promise<void> {
  await db.transaction(async (tx) => {
    await ensureRunHistory(tx);
    const interrupted = bound(tx.dialect, (p) =>
      `update ${RUNS} set status = 'interrupted', finished_at = coalesce(finished_at, ${p(start.startedAt.toISOString(), 'text')})
        where plan = ${p(start.plan)} and status = 'running'`,
    );
    await tx.query(interrupted.sql, interrupted.params);
    const insert = bound(tx.dialect, (p) =>
      `insert into ${RUNS} (run_id, plan, as_of, started_at, status, audience, holdout, suppressed, "rows", source_hash, output_kind, output_target)
       values (${p(start.runId)}, ${p(start.plan)}, ${p(start.asOf.toISOString())}, ${p(start.startedAt.toISOString())}, 'running', 0, 0, 0, 0,
               ${p(start.sourceHash)}, ${p(start.output.kind)}, ${p(start.output.target, 'text')})`,
    );
    await tx.query(insert.sql, insert.params);
  });
}

/**
 * The run `entered()`/`left()` compare with: the plan's latest successful run
 * before this as-of. A re-run of the same as-of therefore compares with the
 * same predecessor as the run it replaces.
 */
export async function previousSucceededRun(db: Database, plan: string, asOf: Date): Promise<string | null> {
  const select = bound(db.dialect, (p) =>
    `select run_id from ${RUNS} where plan = ${p(plan)} and status = 'succeeded' and as_of < ${p(asOf.toISOString())}
      order by as_of desc, finished_at desc, run_id desc limit 1`,
  );
  const [row] = await db.query<{ run_id: string }>(select.sql, select.params);
  return row ? String(row.run_id) : null;
}

export interface RunCounts {
  readonly audience: number;
  readonly holdout: number;
  readonly suppressed: number;
  readonly rows: number;
}

/** Stores a run's counts; `status` (with `finishedAt`) also ends it. */
export async function recordRunCounts(db: Database, runId: string, counts: RunCounts, end?: { status: RunStatus; finishedAt: Date }): Promise<void> {
  // Placeholders are bound in the order the template evaluates them: keep it the textual order.
  const update = bound(
    db.dialect,
    (p) =>
      `update ${RUNS} set audience = ${p(counts.audience)}, holdout = ${p(counts.holdout)}, suppressed = ${p(counts.suppressed)}, "rows" = ${p(counts.rows)}` +
      (end ? `, status = ${p(end.status)}, finished_at = ${p(end.finishedAt.toISOString())}, error = null` : '') +
      ` where run_id = ${p(runId)}`,
  );
  await db.query(update.sql, update.params);
}

/** Ends a run that committed but had a step left after the commit (a CSV's rename). */
export async function recordRunStatus(db: Database, runId: string, status: RunStatus, finishedAt: Date): Promise<void> {
  const update = bound(db.dialect, (p) =>
    `update ${RUNS} set status = ${p(status)}, finished_at = ${p(finishedAt.toISOString())} where run_id = ${p(runId)}`,
  );
  await db.query(update.sql, update.params);
}

/** Ends a run as failed, with a one-line reason. */
export async function recordRunFailure(db: Database, runId: string, error: string, finishedAt: Date): Promise<void> {
  const update = bound(db.dialect, (p) =>
    `update ${RUNS} set status = 'failed', error = ${p(error)}, finished_at = ${p(finishedAt.toISOString())} where run_id = ${p(runId)}`,
  );
  await db.query(update.sql, update.params);
}

/** Per-offer counts of a run, from a table of its assignments (`offer` column). */
export async function recordOfferCounts(db: Database, runId: string, assignmentsTable: string): Promise<void> {
  const insert = bound(db.dialect, (p) =>
    `insert into ${OFFERS} (run_id, offer, "count")
     select ${p(runId, 'text')}, offer, count(*) from ${q(assignmentsTable)} group by offer`,
  );
  await db.query(insert.sql, insert.params);
}

export interface ListRunsOptions {
  readonly plan?: string;
  /** Most recent first; default 50. */
  readonly limit?: number;
}

/**
 * Runs, newest first (by start time), with their per-offer counts; empty when
 * nothing has run yet (the history tables are not created by reading).
 *
 * @example for (const run of await listRuns(db, { plan: 'weekly_email', limit: 10 })) console.log(run.status);
 */
export async function listRuns(db: Database, options: ListRunsOptions = {}): Promise<RunRecord[]> {
  if (!(await historyExists(db))) return [];
  const limit = Math.max(1, Math.floor(options.limit ?? 50));
  const select = bound(db.dialect, (p) =>
    `select * from ${RUNS}${options.plan !== undefined ? ` where plan = ${p(options.plan)}` : ''}
      order by started_at desc, run_id desc limit ${limit}`,
  );
  return withOffers(db, await db.query(select.sql, select.params));
}

/** One run by id, or undefined. */
export async function readRun(db: Database, runId: string): Promise<RunRecord | undefined> {
  if (!(await historyExists(db))) return undefined;
  const select = bound(db.dialect, (p) => `select * from ${RUNS} where run_id = ${p(runId)}`);
  const [record] = await withOffers(db, await db.query(select.sql, select.params));
  return record;
}

async function historyExists(db: Database): Promise<boolean> {
  const probe = {
    sqlite: `select 1 as found from sqlite_schema where type = 'table' and name = ?`,
    postgres: `select 1 as found from information_schema.tables where table_schema = current_schema() and table_name = $1`,
    duckdb: `select 1 as found from information_schema.tables where table_catalog = current_database() and table_schema = current_schema() and table_name = ?`,
  }[db.dialect];
  return (await db.query(probe, [RUN_HISTORY_TABLE])).length > 0;
}

async function withOffers(db: Database, rows: readonly Record<string, unknown>[]): Promise<RunRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => String(r.run_id));
  const select = bound(db.dialect, (p) =>
    `select run_id, offer, "count" from ${OFFERS} where run_id in (${ids.map((id) => p(id)).join(', ')})
      order by run_id, "count" desc, offer`,
  );
  const offers = new Map<string, Record<string, number>>();
  for (const row of await db.query(select.sql, select.params)) {
    const id = String(row.run_id);
    const counts = offers.get(id) ?? {};
    counts[String(row.offer)] = Number(row.count);
    offers.set(id, counts);
  }
  return rows.map((row) => toRecord(row, offers.get(String(row.run_id)) ?? {}));
}

function toRecord(row: Record<string, unknown>, offers: Record<string, number>): RunRecord {
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  return {
    runId: String(row.run_id),
    plan: String(row.plan),
    asOf: String(row.as_of),
    startedAt: String(row.started_at),
    finishedAt: text(row.finished_at),
    status: String(row.status) as RunStatus,
    error: text(row.error),
    audience: Number(row.audience ?? 0),
    holdout: Number(row.holdout ?? 0),
    suppressed: Number(row.suppressed ?? 0),
    rows: Number(row.rows ?? 0),
    offers,
    sourceHash: String(row.source_hash ?? ''),
    output: { kind: (text(row.output_kind) ?? 'none') as OutputTarget['kind'], target: text(row.output_target) },
  };
}
