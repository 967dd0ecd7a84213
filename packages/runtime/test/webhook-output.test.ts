import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database, Row } from '../src/db/database';
import { SegUserError } from '../src/errors';
import { deliverWebhookBatches } from '../src/output/webhook-delivery';
import { readOutboxBatches, stageWebhookBatches } from '../src/output/webhook-outbox';
import { deliverWebhookRun, resumeWebhookDeliveries } from '../src/output/webhook-runs';
import { ensureRunHistory, readRun, recordRunStart, recordRunStatus } from '../src/run/run-history';
import { testEngines } from './support/engines';

interface Delivery {
  readonly key: string;
  readonly contentType: string | undefined;
  readonly body: { run_id: string; plan: string; as_of: string; batch: number; batches: number; rows: Row[] };
}

/**
 * A real HTTP receiver on 127.0.0.1. `answer` decides each request's status
 * (by arrival number, from 1); only 2xx answers count as received. Every
 * response closes its connection, so "down" means refused at once.
 */
class Receiver {
  readonly received: Delivery[] = [];
  requests = 0;
  answer: (request: number, key: string) => number | { status: number; body?: string; delayMs?: number; after?: () => void } =
    () => 200;
  #server: Server | undefined;
  #port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.#port}/hook?token=x`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', resolve);
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops listening: further connections are refused until `start()` (same port). */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    this.requests += 1;
    const key = String(req.headers['idempotency-key']);
    const decision = this.answer(this.requests, key);
    const { status, body = '', delayMs = 0, after } = typeof decision === 'number' ? { status: decision } : decision;
    if (status >= 200 && status < 300) {
      this.received.push({
        key,
        contentType: req.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Delivery['body'],
      });
    }
    if (delayMs > 0) await sleep(delayMs);
    res.writeHead(status, { Connection: 'close', 'Content-Type': 'text/plain' });
    res.end(body);
    after?.();
  }
}

/** Rows as the executor would hand them over: normalised values. */
function outputRows(count: number): Row[] {
  return Array.from({ length: count }, (_, i) => ({
    customer_key: `c${i + 1}`,
    offer: i % 2 === 0 ? 'winback_15' : null,
    holdout: i % 2 === 1,
    score: (i + 1) / 4,
  }));
}

const AS_OF = new Date('2026-11-22T06:00:00.000Z');
const FAST = { retries: 3, backoffMs: 1, maxBackoffMs: 5 };

describe.each(testEngines())('webhook output on $label', ({ open }) => {
  let db: Database;
  let receiver: Receiver;
  let tick = 0;
  /** Runs are resumed oldest first, so each commit gets a later creation time. */
  const clock = () => new Date(Date.UTC(2026, 10, 22, 7, 0, ++tick));

  beforeEach(async () => {
    db = await open();
    receiver = new Receiver();
    await receiver.start();
    await ensureRunHistory(db);
  });

  afterEach(async () => {
    await receiver.stop();
    await db.close();
  });

  /** A committed webhook run: recorded as running, then `delivering` with its batches in one transaction, as the executor does. */
  async function commitRun(
    runId: string,
    rows: Row[],
    options: { batchSize?: number; plan?: string; asOf?: Date } = {},
  ): Promise<Awaited<ReturnType<typeof stageWebhookBatches>>> {
    const plan = options.plan ?? 'weekly_email';
    const asOf = options.asOf ?? AS_OF;
    const output = { kind: 'webhook', target: receiver.url } as const;
    await recordRunStart(db, { runId, plan, asOf, startedAt: clock(), sourceHash: 'test', output });
    return db.transaction(async (tx) => {
      await recordRunStatus(tx, runId, 'delivering', clock());
      return stageWebhookBatches(
        tx,
        {
          runId,
          plan,
          asOf,
          url: receiver.url,
          now: clock,
          ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        },
        [rows.slice(0, 2), rows.slice(2)], // pages of another size than the batches
      );
    });
  }

  async function runRow(runId: string): Promise<{ status: string; error: string | null }> {
    const run = await readRun(db, runId);
    if (!run) throw new Error(`no seg_runs row for ${runId}`);
    return { status: run.status, error: run.error };
  }

  it('delivers every batch once, in order, with its idempotency key and rows', async () => {
    const rows = outputRows(7);
    expect(await commitRun('r1', rows, { batchSize: 3 })).toEqual({ batches: 3, rows: 7, superseded: [] });

    const result = await deliverWebhookRun(db, 'r1', FAST);
    expect(result).toMatchObject({ state: 'delivered', batches: 3, delivered: 3, sent: 3, requests: 3, error: null });
    expect(result.status).toBe('succeeded');
    expect(receiver.received.map((d) => d.key)).toEqual(['r1:1', 'r1:2', 'r1:3']);
    expect(receiver.received.map((d) => d.body.rows.length)).toEqual([3, 3, 1]);
    expect(receiver.received.map((d) => d.contentType)).toEqual(Array(3).fill('application/json'));
    expect(receiver.received[1]?.body).toEqual({
      run_id: 'r1',
      plan: 'weekly_email',
      as_of: '2026-11-22T06:00:00.000Z',
      batch: 2,
      batches: 3,
      rows: rows.slice(3, 6),
    });
    expect(receiver.received.flatMap((d) => d.body.rows)).toEqual(rows);
    expect(await runRow('r1')).toEqual({ status: 'succeeded', error: null });
    expect((await readRun(db, 'r1'))?.finishedAt).not.toBeNull();

    // Nothing acknowledged is ever sent again.
    const again = await deliverWebhookBatches(db, 'r1', FAST);
    expect(again).toMatchObject({ state: 'delivered', delivered: 3, sent: 0, requests: 0 });
    expect(receiver.requests).toBe(3);
  });

  it('cuts 500 rows per batch by default, sends an empty run as one empty batch, and keeps big integers exact', async () => {
    const rows = outputRows(1001);
    rows[1000] = { ...rows[1000], score: 2n ** 60n, customer_key: 'naïve "東京"' };
    await commitRun('big', rows);
    await commitRun('empty', [], { plan: 'winback_trigger' });

    expect((await deliverWebhookRun(db, 'big', FAST)).state).toBe('delivered');
    expect((await deliverWebhookRun(db, 'empty', FAST)).state).toBe('delivered');
    expect(receiver.received.map((d) => [d.key, d.body.batches, d.body.rows.length])).toEqual([
      ['big:1', 3, 500],
      ['big:2', 3, 500],
      ['big:3', 3, 1],
      ['empty:1', 1, 0],
    ]);
    expect(receiver.received[2]?.body.rows[0]).toEqual({
      customer_key: 'naïve "東京"',
      offer: 'winback_15',
      holdout: false,
      score: '1152921504606846976',
    });
  });

  it('retries 500, 503 and 429 answers and delivers each batch once', async () => {
    receiver.answer = (n) => [500, 503, 429][n - 1] ?? 200;
    await commitRun('r1', outputRows(7), { batchSize: 3 });
    const progress: number[] = [];

    const result = await deliverWebhookRun(db, 'r1', { ...FAST, onProgress: (e) => progress.push(e.done) });
    expect(result).toMatchObject({ state: 'delivered', delivered: 3, sent: 3, requests: 6, status: 'succeeded' });
    expect(receiver.requests).toBe(6);
    expect(receiver.received.map((d) => d.key)).toEqual(['r1:1', 'r1:2', 'r1:3']);
    expect((await readOutboxBatches(db, 'r1')).map((b) => b.attempts)).toEqual([4, 1, 1]);
    expect(progress.at(0)).toBe(0);
    expect(progress.at(-1)).toBe(3);
  });

  it('sends a batch whose acknowledgement was lost again, under the same idempotency key', async () => {
    // The receiver takes the first batch but answers too late for the client.
    receiver.answer = (n) => (n === 1 ? { status: 200, delayMs: 400 } : 200);
    await commitRun('r1', outputRows(4), { batchSize: 3 });

    const result = await deliverWebhookRun(db, 'r1', { ...FAST, timeoutMs: 100 });
    expect(result).toMatchObject({ state: 'delivered', requests: 3, status: 'succeeded' });
    expect((await readOutboxBatches(db, 'r1'))[0]?.lastError).toBeNull();
    expect(receiver.received.map((d) => d.key)).toEqual(['r1:1', 'r1:1', 'r1:2']);
    expect(receiver.received[0]?.body).toEqual(receiver.received[1]?.body);
  });

  it('leaves the run delivering while the receiver is down, and a later call finishes it exactly once', async () => {
    // Acknowledge two batches, then go away.
    receiver.answer = (n) => (n === 2 ? { status: 200, after: () => void receiver.stop() } : 200);
    await commitRun('r1', outputRows(10), { batchSize: 3 });

    const first = await deliverWebhookRun(db, 'r1', { ...FAST, retries: 2 });
    expect(first).toMatchObject({ state: 'pending', delivered: 2, sent: 2, requests: 5, status: 'delivering' });
    expect(first.error).toMatch(/^batch 3 of 4: fetch failed: .*ECONNREFUSED.* \(3 attempts\)$/);
    const batches = await readOutboxBatches(db, 'r1');
    expect(batches.map((b) => b.deliveredAt !== null)).toEqual([true, true, false, false]);
    expect(batches.map((b) => b.attempts)).toEqual([1, 1, 3, 0]);
    expect(await runRow('r1')).toEqual({
      status: 'delivering',
      error: `webhook delivery stopped after 2 of 4 batches: ${first.error}`,
    });

    await receiver.start(); // same port, same URL
    receiver.answer = () => 200;
    const later = await resumeWebhookDeliveries(db, FAST);
    expect(later).toMatchObject([{ runId: 'r1', state: 'delivered', delivered: 4, sent: 2, status: 'succeeded' }]);
    expect(receiver.received.map((d) => d.key)).toEqual(['r1:1', 'r1:2', 'r1:3', 'r1:4']);
    expect(receiver.received.flatMap((d) => d.body.rows)).toEqual(outputRows(10));
    expect(await runRow('r1')).toEqual({ status: 'succeeded', error: null });
    expect(await resumeWebhookDeliveries(db, FAST)).toEqual([]);
  });

  it('records a 4xx rejection without retrying; only an explicit re-delivery sends it again', async () => {
    let accept = false;
    receiver.answer = (_, key) => (key === 'r1:2' && !accept ? { status: 422, body: 'unknown offer\nwinback_15' } : 200);
    await commitRun('r1', outputRows(7), { batchSize: 3 });

    const rejected = await deliverWebhookRun(db, 'r1', FAST);
    expect(rejected).toMatchObject({ state: 'rejected', delivered: 1, requests: 2, status: 'delivering' });
    expect(rejected.error).toBe('batch 2 of 3: HTTP 422 Unprocessable Entity: unknown offer winback_15 (1 attempt)');
    const [, second] = await readOutboxBatches(db, 'r1');
    expect(second).toMatchObject({ attempts: 1, lastStatus: 422, deliveredAt: null });
    expect(second?.lastError).toBe('HTTP 422 Unprocessable Entity: unknown offer winback_15');
    expect((await runRow('r1')).error).toContain('HTTP 422');

    expect(await resumeWebhookDeliveries(db, FAST)).toEqual([]); // a scheduler tick leaves it alone
    expect(receiver.requests).toBe(2);

    accept = true;
    expect((await deliverWebhookRun(db, 'r1', FAST)).status).toBe('succeeded');
    expect(receiver.received.map((d) => d.key)).toEqual(['r1:1', 'r1:2', 'r1:3']);
  });

  it('keeps no batches of a rolled-back run and supersedes nothing', async () => {
    const boom = new Error('stage failed');
    const stageThenFail = (runId: string) =>
      db.transaction(async (tx) => {
        await stageWebhookBatches(tx, { runId, plan: 'weekly_email', asOf: AS_OF, url: receiver.url }, [outputRows(3)]);
        throw boom;
      });
    await expect(stageThenFail('r0')).rejects.toBe(boom); // the outbox table itself is rolled back here
    await commitRun('r1', outputRows(3));
    await expect(stageThenFail('r2')).rejects.toBe(boom);

    const counts = await db.query<{ run_id: string; n: number }>(
      `SELECT run_id, COUNT(*) AS n FROM seg_webhook_outbox GROUP BY run_id ORDER BY run_id`,
    );
    expect(counts).toEqual([{ run_id: 'r1', n: 1 }]);
    expect((await readOutboxBatches(db, 'r1'))[0]?.supersededBy).toBeNull();
    expect((await deliverWebhookRun(db, 'r1', FAST)).status).toBe('succeeded');
    expect(receiver.received.map((d) => d.key)).toEqual(['r1:1']);
  });

  it('a new run of the same plan and as-of supersedes the old run’s undelivered batches', async () => {
    receiver.answer = (n) => (n === 1 ? 200 : 503);
    await commitRun('old', outputRows(7), { batchSize: 3 });
    await commitRun('other-day', outputRows(1), { asOf: new Date('2026-11-21T06:00:00.000Z') });
    expect((await deliverWebhookRun(db, 'old', { ...FAST, retries: 0 })).state).toBe('pending');

    expect(await commitRun('new', outputRows(4), { batchSize: 3 })).toEqual({ batches: 2, rows: 4, superseded: ['old'] });
    expect(await runRow('old')).toEqual({
      status: 'failed',
      error: 'webhook delivery superseded by run new (same plan and as-of); its remaining batches were not sent',
    });

    receiver.answer = () => 200;
    const resumed = await resumeWebhookDeliveries(db, FAST);
    expect(resumed.map((r) => [r.runId, r.state])).toEqual([
      ['other-day', 'delivered'],
      ['new', 'delivered'],
    ]);
    expect((await deliverWebhookBatches(db, 'old', FAST)).state).toBe('superseded');
    expect(receiver.received.map((d) => d.key)).toEqual(['old:1', 'other-day:1', 'new:1', 'new:2']);
  });

  it('stops when cancelled, with the acknowledged batches kept', async () => {
    await commitRun('r1', outputRows(7), { batchSize: 3 });
    const controller = new AbortController();
    const result = await deliverWebhookRun(db, 'r1', {
      ...FAST,
      signal: controller.signal,
      onProgress: (e) => e.done === 1 && controller.abort(),
    });
    expect(result).toMatchObject({ state: 'pending', delivered: 1, status: 'delivering' });
    expect(result.error).toBe('batch 2 of 3: delivery cancelled');
    expect(receiver.received.map((d) => d.key)).toEqual(['r1:1']);
  });

  it('refuses a URL that is not http(s) or a batch size out of range before writing anything', async () => {
    const stage = (url: string, batchSize?: number) =>
      stageWebhookBatches(db, { runId: 'r1', plan: 'p', asOf: AS_OF, url, ...(batchSize ? { batchSize } : {}) }, []);
    await expect(stage('ftp://example.com/x')).rejects.toThrow(SegUserError);
    await expect(stage('not a url')).rejects.toThrow('The webhook URL "not a url" is not a valid URL.');
    await expect(stage(receiver.url, 0.5)).rejects.toThrow('The webhook batch size must be a whole number from 1 to 10,000, not 0.5.');
    expect(await readOutboxBatches(db, 'r1')).toEqual([]);
  });
});
