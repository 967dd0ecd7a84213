/**
 * Delivers a committed run's webhook batches from the outbox, in order, one
 * POST per batch. The outbox records every attempt, so a later call resumes at
 * the first batch the receiver has not acknowledged; a batch is marked
 * delivered only after a 2xx answer. A batch whose 2xx answer was lost (a
 * timeout, a crash before the mark) is sent again — receivers deduplicate on
 * the `Idempotency-Key` header. The contract is documented in docs/runtime.md.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../db/database';
import { SegUserError } from '../errors';
import type { RunProgress } from '../run/run-types';
import {
  type OutboxBatch,
  readBatchPayload,
  readOutboxBatches,
  recordAttempt,
  supersededRunMessage,
} from './webhook-outbox';

export interface WebhookDeliveryOptions {
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Further attempts per batch after a retryable failure (408, 429, 5xx, network); default 3. */
  readonly retries?: number;
  /** First back-off; it doubles per retry, at most `maxBackoffMs`. Default 1,000 ms. */
  readonly backoffMs?: number;
  /** Also the cap on a server's `Retry-After`. Default 30,000 ms. */
  readonly maxBackoffMs?: number;
  /** Per request; no answer in time counts as a retryable failure. Default 30,000 ms. */
  readonly timeoutMs?: number;
  /** Aborting stops before the next request (an in-flight one is abandoned and stays undelivered). */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RunProgress) => void;
  /** Injected clock for `delivered_at` (tests). */
  readonly now?: () => Date;
}

/**
 * - `delivered`: every batch acknowledged;
 * - `pending`: a retryable failure outlasted the retries (or delivery was cancelled) — call again later;
 * - `rejected`: the receiver answered a non-retryable status (most 4xx); only an explicit re-delivery retries;
 * - `superseded`: a newer run of the same plan and as-of replaced this one; nothing more is sent.
 */
export type WebhookDeliveryState = 'delivered' | 'pending' | 'rejected' | 'superseded';

export interface WebhookDeliveryResult {
  readonly runId: string;
  readonly plan: string;
  readonly state: WebhookDeliveryState;
  readonly batches: number;
  /** Batches acknowledged so far, by this call or earlier ones. */
  readonly delivered: number;
  /** Batches acknowledged by this call. */
  readonly sent: number;
  /** HTTP requests made by this call. */
  readonly requests: number;
  /** Why delivery stopped (null when delivered). */
  readonly error: string | null;
  readonly supersededBy: string | null;
}

const RETRYABLE_STATUS = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/** Whether a recorded HTTP status means the receiver refused the batch for good. */
export function isRejection(status: number | null): boolean {
  return status !== null && !(status >= 200 && status < 300) && !RETRYABLE_STATUS(status);
}

/**
 * POSTs each undelivered batch of `runId` in order and records the outcome in
 * the outbox; it never touches `seg_runs` (see `finishDeliveringRun`).
 *
 * @example
 *   const result = await deliverWebhookBatches(db, runId, { retries: 5 });
 *   if (result.state !== 'delivered') console.error(result.error);
 */
export async function deliverWebhookBatches(
  db: Database,
  runId: string,
  options: WebhookDeliveryOptions = {},
): Promise<WebhookDeliveryResult> {
  const batches = await readOutboxBatches(db, runId);
  const [first] = batches;
  if (!first) throw new SegUserError(`Run ${runId} has no webhook batches to deliver.`);
  const settings = {
    fetch: options.fetch ?? fetch,
    retries: options.retries ?? 3,
    backoffMs: options.backoffMs ?? 1000,
    maxBackoffMs: options.maxBackoffMs ?? 30_000,
    timeoutMs: options.timeoutMs ?? 30_000,
    now: options.now ?? (() => new Date()),
  };
  let delivered = batches.filter((b) => b.deliveredAt !== null).length;
  let sent = 0;
  let requests = 0;
  const finish = (state: WebhookDeliveryState, error: string | null, supersededBy: string | null = null) => ({
    runId,
    plan: first.plan,
    state,
    batches: first.batches,
    delivered,
    sent,
    requests,
    error,
    supersededBy,
  });
  const progress = (message?: string) =>
    options.onProgress?.({ stage: 'deliver', done: delivered, total: first.batches, ...(message ? { message } : {}) });

  const supersededBy = batches.find((b) => b.deliveredAt === null && b.supersededBy !== null)?.supersededBy;
  if (supersededBy) return finish('superseded', supersededRunMessage(supersededBy), supersededBy);
  progress();

  for (const batch of batches) {
    if (batch.deliveredAt !== null) continue;
    // Re-read: another deliverer or a newer run may have changed it since the listing.
    const current = await readBatchPayload(db, runId, batch.batch);
    if (!current) throw new Error(`Webhook batch ${batch.batch} of run ${runId} vanished from the outbox`);
    if (current.deliveredAt !== null) {
      delivered += 1;
      continue;
    }
    if (current.supersededBy !== null) return finish('superseded', supersededRunMessage(current.supersededBy), current.supersededBy);

    const body = requestBody(batch, current.payload);
    for (let attempt = 1; ; attempt += 1) {
      if (options.signal?.aborted) return finish('pending', `${where(batch)}: delivery cancelled`);
      const outcome = await post(settings.fetch, batch, body, settings.timeoutMs, options.signal);
      requests += 1;
      const deliveredAt = outcome.kind === 'ok' ? settings.now().toISOString() : null;
      await recordAttempt(db, runId, batch.batch, { status: outcome.status, error: outcome.error, deliveredAt });
      if (outcome.kind === 'ok') {
        delivered += 1;
        sent += 1;
        progress();
        break;
      }
      const error = `${where(batch)}: ${outcome.error} (${plural(attempt, 'attempt')})`;
      if (outcome.kind === 'cancelled') return finish('pending', error);
      if (outcome.kind === 'rejected') return finish('rejected', error);
      if (attempt > settings.retries) return finish('pending', error);
      const wait = Math.min(settings.maxBackoffMs, outcome.retryAfterMs ?? settings.backoffMs * 2 ** (attempt - 1));
      progress(`${error}; retrying in ${wait} ms`);
      try {
        await sleep(wait, undefined, { signal: options.signal });
      } catch {
        return finish('pending', `${where(batch)}: delivery cancelled`);
      }
    }
  }
  return finish('delivered', null);
}

/** The JSON body; `payload` is the stored rows array, spliced in as text so it is never re-parsed. */
function requestBody(batch: OutboxBatch, payload: string): string {
  const head = JSON.stringify({
    run_id: batch.runId,
    plan: batch.plan,
    as_of: batch.asOf,
    batch: batch.batch,
    batches: batch.batches,
  });
  return `${head.slice(0, -1)},"rows":${payload}}`;
}

type PostOutcome =
  | { kind: 'ok'; status: number; error: null }
  | { kind: 'retry'; status: number | null; error: string; retryAfterMs?: number }
  | { kind: 'rejected'; status: number; error: string }
  | { kind: 'cancelled'; status: null; error: string };

async function post(
  fetchFn: typeof fetch,
  batch: OutboxBatch,
  body: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<PostOutcome> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await fetchFn(batch.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `${batch.runId}:${batch.batch}` },
      body,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    // Read the answer in full so the connection can be reused; it is also the error detail.
    text = await response.text();
  } catch (error) {
    if (signal?.aborted) return { kind: 'cancelled', status: null, error: 'delivery cancelled' };
    if (timeout.aborted) return { kind: 'retry', status: null, error: `no answer within ${timeoutMs} ms` };
    return { kind: 'retry', status: null, error: networkError(error) };
  }
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'ok', status, error: null };
  const detail = `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}${snippet(text)}`;
  if (!RETRYABLE_STATUS(status)) return { kind: 'rejected', status, error: detail };
  const retryAfterMs = retryAfter(response.headers.get('retry-after'));
  return { kind: 'retry', status, error: detail, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** Node's fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a TLS error, …). */
function networkError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  return cause && cause !== message ? `${message}: ${cause}` : message;
}

/** `Retry-After` in seconds (the HTTP-date form is rare for webhooks and ignored). */
function retryAfter(header: string | null): number | undefined {
  if (header === null || !/^\s*\d+\s*$/.test(header)) return undefined;
  return Number(header) * 1000;
}

function snippet(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (!oneLine) return '';
  return `: ${oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine}`;
}

function where(batch: OutboxBatch): string {
  return `batch ${batch.batch} of ${batch.batches}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
