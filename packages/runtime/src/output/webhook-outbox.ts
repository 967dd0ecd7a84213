/**
 * The webhook outbox: a run's output rows, cut into JSON batches and stored in
 * `seg_webhook_outbox` inside the run's own transaction, so the batches exist
 * exactly when the run committed. Delivery (webhook-delivery.ts) reads them back
 * after the commit and records each acknowledgement here, which is what lets a
 * later call resume from the first unacknowledged batch.
 *
 * All values are bound parameters; the only identifiers are this module's own.
 */
import type { Database, Row } from '../db/database';
import { SegUserError } from '../errors';
import { tableColumns } from '../introspect/table-columns';
import { RUN_HISTORY_TABLE, WEBHOOK_OUTBOX_TABLE } from '../runtime-tables';
import { bound } from '../run/sql-text';

export const DEFAULT_WEBHOOK_BATCH_SIZE = 500;
/** A bound on one request body: 10,000 rows of a few hundred bytes is already megabytes. */
export const MAX_WEBHOOK_BATCH_SIZE = 10_000;

/**
 * `payload` holds only the batch's rows (a JSON array): `batches` is known only
 * once every page is read, so the request body is assembled at delivery.
 * Timestamps are ISO-8601 UTC text, which sorts correctly and reads back the
 * same on every engine.
 */
const CREATE_OUTBOX = `CREATE TABLE IF NOT EXISTS ${WEBHOOK_OUTBOX_TABLE} (
  run_id TEXT NOT NULL,
  batch INTEGER NOT NULL,
  batches INTEGER NOT NULL,
  plan TEXT NOT NULL,
  as_of TEXT NOT NULL,
  url TEXT NOT NULL,
  row_count INTEGER NOT NULL,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_status INTEGER,
  last_error TEXT,
  delivered_at TEXT,
  superseded_by TEXT,
  PRIMARY KEY (run_id, batch)
)`;

/** Where and how one run's rows go; `batchSize` defaults to 500. */
export interface WebhookStageTarget {
  readonly runId: string;
  /** The plan's name. */
  readonly plan: string;
  readonly asOf: Date;
  readonly url: string;
  readonly batchSize?: number;
  /** Injected clock (tests); default `() => new Date()`. */
  readonly now?: () => Date;
}

/** Pages of output rows, of any size (they are re-cut into batches): an array of arrays or an async generator. */
export type RowPages = Iterable<readonly Row[]> | AsyncIterable<readonly Row[]>;

export interface StagedWebhookBatches {
  readonly batches: number;
  readonly rows: number;
  /** Earlier runs of the same plan and as-of whose undelivered batches will no longer be sent. */
  readonly superseded: readonly string[];
}

/** Creates `seg_webhook_outbox` if missing (idempotent; inside a transaction it is rolled back with it). */
export async function ensureWebhookOutbox(db: Database): Promise<void> {
  await db.exec(CREATE_OUTBOX);
}

/**
 * Writes a run's output rows into the outbox as numbered batches (1, 2, …) of
 * `batchSize` rows. Call it inside the run transaction, after the output rows
 * are known: a rolled-back run leaves no batches. A run with no rows still
 * gets one empty batch, so the receiver learns that this run's list is empty.
 *
 * Earlier runs of the same plan and as-of are superseded: their undelivered
 * batches are never sent, and their `seg_runs` row (when still `delivering`)
 * becomes `failed` with the reason — all in this same transaction.
 *
 * @example
 *   await db.transaction(async (tx) => {
 *     // … stages, seg_runs row with status 'delivering' …
 *     await stageWebhookBatches(tx, { runId, plan: plan.plan, asOf, url }, [outputRows]);
 *   });
 *   await deliverWebhookRun(db, runId);
 */
export async function stageWebhookBatches(
  db: Database,
  target: WebhookStageTarget,
  pages: RowPages,
): Promise<StagedWebhookBatches> {
  const batchSize = target.batchSize ?? DEFAULT_WEBHOOK_BATCH_SIZE;
  checkWebhookTarget(target.url, batchSize);
  const createdAt = (target.now ?? (() => new Date()))().toISOString();
  const asOf = target.asOf.toISOString();

  await ensureWebhookOutbox(db);
  const superseded = await supersedeEarlierRuns(db, target.runId, target.plan, asOf, createdAt);

  let batch = 0;
  let rows = 0;
  const write = async (chunk: readonly Row[]): Promise<void> => {
    batch += 1;
    rows += chunk.length;
    // `batches` is patched below once the total is known.
    const insert = bound(db.dialect, (p) =>
      `INSERT INTO ${WEBHOOK_OUTBOX_TABLE} (run_id, batch, batches, plan, as_of, url, row_count, payload, created_at, attempts)
       VALUES (${p(target.runId)}, ${p(batch)}, 0, ${p(target.plan)}, ${p(asOf)}, ${p(target.url)}, ${p(chunk.length)},
               ${p(rowsJson(chunk))}, ${p(createdAt)}, 0)`,
    );
    await db.query(insert.sql, insert.params);
  };

  let pending: Row[] = [];
  for await (const page of pages) {
    for (const row of page) {
      pending.push(row);
      if (pending.length === batchSize) {
        await write(pending);
        pending = [];
      }
    }
  }
  if (pending.length > 0 || batch === 0) await write(pending);

  const total = bound(db.dialect, (p) => `UPDATE ${WEBHOOK_OUTBOX_TABLE} SET batches = ${p(batch)} WHERE run_id = ${p(target.runId)}`);
  await db.query(total.sql, total.params);
  return { batches: batch, rows, superseded };
}

/** Rejects what can never be delivered before anything is written. */
export function checkWebhookTarget(url: string, batchSize: number): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SegUserError(`The webhook URL "${url}" is not a valid URL.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new SegUserError(`The webhook URL must start with https:// or http://, not "${parsed.protocol}".`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_WEBHOOK_BATCH_SIZE) {
    throw new SegUserError(
      `The webhook batch size must be a whole number from 1 to ${MAX_WEBHOOK_BATCH_SIZE.toLocaleString('en')}, not ${batchSize}.`,
    );
  }
}

async function supersedeEarlierRuns(
  db: Database,
  runId: string,
  plan: string,
  asOf: string,
  now: string,
): Promise<string[]> {
  const select = bound(db.dialect, (p) =>
    `SELECT DISTINCT run_id FROM ${WEBHOOK_OUTBOX_TABLE}
     WHERE plan = ${p(plan)} AND as_of = ${p(asOf)} AND run_id <> ${p(runId)}
       AND delivered_at IS NULL AND superseded_by IS NULL
     ORDER BY run_id`,
  );
  const superseded = (await db.query<{ run_id: string }>(select.sql, select.params)).map((r) => String(r.run_id));
  for (const old of superseded) {
    const mark = bound(db.dialect, (p) =>
      `UPDATE ${WEBHOOK_OUTBOX_TABLE} SET superseded_by = ${p(runId)} WHERE run_id = ${p(old)} AND delivered_at IS NULL`,
    );
    await db.query(mark.sql, mark.params);
    // seg_runs exists whenever a run reached the outbox (the executor records every run first).
    const end = bound(db.dialect, (p) =>
      `UPDATE ${RUN_HISTORY_TABLE} SET status = 'failed', error = ${p(supersededRunMessage(runId))}, finished_at = ${p(now)}
       WHERE run_id = ${p(old)} AND status = 'delivering'`,
    );
    await db.query(end.sql, end.params);
  }
  return superseded;
}

export function supersededRunMessage(newRunId: string): string {
  return `webhook delivery superseded by run ${newRunId} (same plan and as-of); its remaining batches were not sent`;
}

// --- reading and recording (used by delivery) ----------------------------------

/** One batch without its payload. */
export interface OutboxBatch {
  readonly runId: string;
  readonly batch: number;
  readonly batches: number;
  readonly plan: string;
  readonly asOf: string;
  readonly url: string;
  readonly rowCount: number;
  readonly createdAt: string;
  readonly attempts: number;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly deliveredAt: string | null;
  readonly supersededBy: string | null;
}

const BATCH_COLUMNS = [
  'run_id', 'batch', 'batches', 'plan', 'as_of', 'url', 'row_count', 'created_at', 'attempts',
  'last_status', 'last_error', 'delivered_at', 'superseded_by',
] as const;

function batchColumns(alias = ''): string {
  return BATCH_COLUMNS.map((c) => `${alias}${c}`).join(', ');
}

/** A run's batches in order (empty when the run staged none or the outbox does not exist yet). */
export async function readOutboxBatches(db: Database, runId: string): Promise<OutboxBatch[]> {
  if (!(await outboxExists(db))) return [];
  const select = bound(db.dialect, (p) =>
    `SELECT ${batchColumns()} FROM ${WEBHOOK_OUTBOX_TABLE} WHERE run_id = ${p(runId)} ORDER BY batch`,
  );
  return (await db.query(select.sql, select.params)).map(toOutboxBatch);
}

/** The first undelivered batch of every run whose `seg_runs` status is `delivering`, oldest run first. */
export async function readDeliveringRuns(db: Database, plan?: string): Promise<OutboxBatch[]> {
  if (!(await outboxExists(db)) || (await tableColumns(db, RUN_HISTORY_TABLE)).length === 0) return [];
  const select = bound(db.dialect, (p) =>
    `SELECT ${batchColumns('o.')} FROM ${WEBHOOK_OUTBOX_TABLE} o
     JOIN ${RUN_HISTORY_TABLE} r ON r.run_id = o.run_id
     WHERE r.status = 'delivering' ${plan === undefined ? '' : `AND o.plan = ${p(plan)}`}
     ORDER BY o.created_at, o.run_id, o.delivered_at IS NULL DESC, o.batch`,
  );
  const rows = await db.query(select.sql, select.params);
  // Per run, the first undelivered batch, or its last one when all are delivered.
  const byRun = new Map<string, OutboxBatch>();
  for (const row of rows) {
    const batch = toOutboxBatch(row);
    if (!byRun.has(batch.runId)) byRun.set(batch.runId, batch);
  }
  return [...byRun.values()];
}

/** The text to POST for one batch, and whether it may still be sent. */
export async function readBatchPayload(
  db: Database,
  runId: string,
  batch: number,
): Promise<{ payload: string; deliveredAt: string | null; supersededBy: string | null } | undefined> {
  const select = bound(db.dialect, (p) =>
    `SELECT payload, delivered_at, superseded_by FROM ${WEBHOOK_OUTBOX_TABLE} WHERE run_id = ${p(runId)} AND batch = ${p(batch)}`,
  );
  const [row] = await db.query<{ payload: string; delivered_at: string | null; superseded_by: string | null }>(
    select.sql,
    select.params,
  );
  return row && { payload: row.payload, deliveredAt: row.delivered_at, supersededBy: row.superseded_by };
}

/** Records one HTTP attempt; `deliveredAt` only when the receiver acknowledged it. */
export async function recordAttempt(
  db: Database,
  runId: string,
  batch: number,
  attempt: { status: number | null; error: string | null; deliveredAt: string | null },
): Promise<void> {
  const update = bound(db.dialect, (p) =>
    `UPDATE ${WEBHOOK_OUTBOX_TABLE}
     SET attempts = attempts + 1, last_status = ${p(attempt.status)}, last_error = ${p(attempt.error)},
         delivered_at = ${p(attempt.deliveredAt)}
     WHERE run_id = ${p(runId)} AND batch = ${p(batch)}`,
  );
  await db.query(update.sql, update.params);
}

/** Reading never creates the table: a database that never ran a webhook plan stays untouched. */
async function outboxExists(db: Database): Promise<boolean> {
  return (await tableColumns(db, WEBHOOK_OUTBOX_TABLE)).length > 0;
}

function toOutboxBatch(row: Row): OutboxBatch {
  return {
    runId: String(row.run_id),
    batch: Number(row.batch),
    batches: Number(row.batches),
    plan: String(row.plan),
    asOf: String(row.as_of),
    url: String(row.url),
    rowCount: Number(row.row_count),
    createdAt: String(row.created_at),
    attempts: Number(row.attempts),
    lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error === null ? null : String(row.last_error),
    deliveredAt: row.delivered_at === null ? null : String(row.delivered_at),
    supersededBy: row.superseded_by === null ? null : String(row.superseded_by),
  };
}

/**
 * JSON for a batch of normalised rows (see database.ts): bigints (integers
 * beyond 2^53) become decimal strings so no receiver rounds them, blobs base64.
 */
function rowsJson(rows: readonly Row[]): string {
  return JSON.stringify(rows, function (this: Record<string, unknown>, key, value: unknown) {
    // `this[key]` is the value before Buffer#toJSON ran.
    const raw = this[key];
    if (typeof raw === 'bigint') return raw.toString();
    if (raw instanceof Uint8Array) return Buffer.from(raw).toString('base64');
    return value;
  });
}
