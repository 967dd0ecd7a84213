/**
 * The engine of `seg schedule`: runs each plan at the times of its schedule,
 * as of the scheduled time, holding the plan's lock (never two runs of one
 * plan at once, across processes).
 *
 *  - On start-up, the last scheduled time before now of each plan is caught up
 *    once if it has no committed run (the scheduler was down, or gave up).
 *  - Runs go one at a time, in the order they fell due; a plan has at most one
 *    run waiting, the latest due (a later time supersedes an earlier one).
 *  - A run that fails, finds its plan busy, or cannot reach the database is
 *    retried after each of `retryDelaysMs` in turn, each attempt recorded by
 *    the executor; the next scheduled time supersedes pending retries.
 *  - `stop()` takes no new runs and aborts the run in progress (it rolls back
 *    and is recorded failed: cancelled), unless that run is in its last stage,
 *    which is left to finish.
 * Nothing here throws once started: every problem is one log line.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { RankingPlan } from '@seg/compiler';
import { connect } from '../db/connect';
import type { Database } from '../db/database';
import { databaseFile } from '../db/database-url';
import { redactUrl } from '../db/redact-url';
import { SegUserError } from '../errors';
import { lockHolderId, type PlanLockOptions, withPlanLock } from '../run/plan-lock';
import { runPlan } from '../run/run-plan';
import type { RunProgress, RunRecord } from '../run/run-types';
import { ScheduleTimes } from './cron-times';
import { hasCommittedRun } from './succeeded-run';

/** 30 s, 2 min, 8 min. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [30_000, 120_000, 480_000];

/** Timers wake at least hourly (setTimeout cannot wait beyond ~24.8 days; clocks jump). */
const MAX_TIMER_MS = 3_600_000;

/** A run in one of these is let finish on stop: nothing after it left to save. */
const LAST_STAGES: ReadonlySet<RunProgress['stage']> = new Set(['cleanup', 'deliver']);

export interface SchedulerOptions {
  readonly url: string;
  /** Compiled for the URL's engine; each must have a `schedule`. */
  readonly plans: readonly RankingPlan[];
  /** One line per event, without a newline (default: standard error). */
  readonly log?: (line: string) => void;
  readonly retryDelaysMs?: readonly number[];
  /** Resolves relative CSV outputs (default: process.cwd()). */
  readonly cwd?: string;
  readonly lock?: PlanLockOptions;
  /** Each run's progress, as `runPlan` reports it. */
  readonly onProgress?: (plan: string, progress: RunProgress) => void;
}

export interface Scheduler {
  /** Stops taking runs, cancels the run in progress (see above); resolves once idle. */
  stop(): Promise<void>;
  /** Resolves once stopped. */
  readonly stopped: Promise<void>;
}

/**
 * Starts scheduling and returns at once. Throws (a SegUserError) only for a
 * plan without a schedule or with one croner cannot read.
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const scheduler = new PlanScheduler(options);
  scheduler.start();
  return scheduler;
}

interface PlanEntry {
  readonly plan: RankingPlan;
  readonly times: ScheduleTimes;
  next: Date | null;
  /** The latest time a run of this plan was queued for: an older one is never retried after it. */
  latestDue?: Date;
  timer?: NodeJS.Timeout;
  retry?: { readonly timer: NodeJS.Timeout; readonly asOf: Date };
}

interface Job {
  readonly entry: PlanEntry;
  readonly asOf: Date;
  readonly catchUp: boolean;
  /** 0 for the first attempt, n for the n-th retry. */
  readonly attempt: number;
}

type LockedResult = RunRecord | 'committed already' | 'stopping';

class PlanScheduler implements Scheduler {
  readonly stopped: Promise<void>;
  readonly #options: SchedulerOptions;
  readonly #entries: PlanEntry[];
  readonly #delays: readonly number[];
  readonly #log: (line: string) => void;
  #queue: Job[] = [];
  #stopping = false;
  #pumping: Promise<void> | undefined;
  #current: { readonly job: Job; readonly controller: AbortController; stage?: RunProgress['stage'] } | undefined;
  #resolveStopped!: () => void;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    const write = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    this.#log = (line) => write(`${new Date().toISOString()} ${line}`);
    this.#entries = options.plans.map((plan) => {
      if (!plan.schedule) throw new SegUserError(`plan ${plan.plan} has no schedule`);
      return { plan, times: new ScheduleTimes(plan.plan, plan.schedule), next: null };
    });
    this.stopped = new Promise((resolve) => {
      this.#resolveStopped = resolve;
    });
  }

  start(): void {
    const count = this.#entries.length;
    this.#log(`seg schedule: ${count} plan${count === 1 ? '' : 's'} on ${redactUrl(this.#options.url)}, as ${lockHolderId()}`);
    const now = new Date();
    for (const entry of this.#entries) {
      entry.next = entry.times.next(now);
      this.#log(`${name(entry)}: ${entry.times.describe()}; next run at ${entry.next ? iso(entry.next) : 'never'}`);
      const last = entry.times.last(now);
      // Whether it was missed is known only under the plan's lock, when the job runs.
      if (last) this.#enqueue({ entry, asOf: last, catchUp: true, attempt: 0 });
      this.#arm(entry);
    }
  }

  stop(): Promise<void> {
    if (this.#stopping) return this.stopped;
    this.#stopping = true;
    for (const entry of this.#entries) {
      clearTimeout(entry.timer);
      clearTimeout(entry.retry?.timer);
    }
    this.#queue = [];
    const current = this.#current;
    if (!current) {
      this.#log('stopping');
    } else if (current.stage && LAST_STAGES.has(current.stage)) {
      this.#log(`stopping: letting the run of ${name(current.job.entry)} as of ${iso(current.job.asOf)} finish its last stage`);
    } else {
      this.#log(`stopping: cancelling the run of ${name(current.job.entry)} as of ${iso(current.job.asOf)}`);
      current.controller.abort();
    }
    void (this.#pumping ?? Promise.resolve()).then(() => {
      this.#log('stopped');
      this.#resolveStopped();
    });
    return this.stopped;
  }

  /** Waits for the entry's next time (in steps of at most MAX_TIMER_MS). */
  #arm(entry: PlanEntry): void {
    const due = entry.next;
    if (this.#stopping || !due) return;
    const wait = Math.min(Math.max(due.getTime() - Date.now(), 0), MAX_TIMER_MS);
    entry.timer = setTimeout(() => (Date.now() < due.getTime() ? this.#arm(entry) : this.#fire(entry, due)), wait);
  }

  #fire(entry: PlanEntry, due: Date): void {
    entry.next = entry.times.next(new Date(Math.max(due.getTime(), Date.now())));
    if (entry.retry) {
      clearTimeout(entry.retry.timer);
      this.#log(`${name(entry)}: dropping the retry of the run due at ${iso(entry.retry.asOf)}: the run due at ${iso(due)} supersedes it`);
      entry.retry = undefined;
    }
    this.#enqueue({ entry, asOf: due, catchUp: false, attempt: 0 });
    this.#arm(entry);
  }

  #enqueue(job: Job): void {
    if (this.#stopping) return;
    if (!job.entry.latestDue || job.asOf > job.entry.latestDue) job.entry.latestDue = job.asOf;
    const index = this.#queue.findIndex((queued) => queued.entry === job.entry);
    const queued = this.#queue[index];
    if (queued) {
      if (queued.asOf >= job.asOf) return;
      this.#log(`${name(job.entry)}: skipping the run due at ${iso(queued.asOf)}: the run due at ${iso(job.asOf)} supersedes it`);
      this.#queue[index] = job;
    } else {
      this.#queue.push(job);
    }
    this.#pump();
  }

  #pump(): void {
    if (this.#pumping || this.#stopping) return;
    this.#pumping = (async () => {
      for (let job = this.#queue.shift(); job && !this.#stopping; job = this.#queue.shift()) await this.#execute(job);
    })().finally(() => {
      this.#pumping = undefined;
      // A job enqueued while the loop was ending.
      if (this.#queue.length > 0) this.#pump();
    });
  }

  async #execute(job: Job): Promise<void> {
    const plan = name(job.entry);
    let db: Database | undefined;
    try {
      db = await this.#open();
      const handle = db;
      const outcome = await withPlanLock(handle, plan, 'seg schedule', (lockLost) => this.#runLocked(handle, job, lockLost), this.#options.lock);
      if (outcome.status === 'busy') {
        this.#log(`${plan}: ${outcome.message}`);
        this.#retry(job, 'busy');
      } else if (outcome.value === 'committed already') {
        this.#log(
          job.catchUp
            ? `${plan}: up to date: the run due at ${iso(job.asOf)} has succeeded`
            : `${plan}: the run due at ${iso(job.asOf)} has already succeeded (another process ran it)`,
        );
      } else if (outcome.value !== 'stopping') {
        this.#report(job, outcome.value);
      }
    } catch (error) {
      this.#log(`${plan}: could not run as of ${iso(job.asOf)}: ${oneLine(error)}`);
      this.#retry(job);
    } finally {
      this.#current = undefined;
      await db?.close().catch(() => {});
    }
  }

  async #runLocked(db: Database, job: Job, lockLost: AbortSignal): Promise<LockedResult> {
    if (await hasCommittedRun(db, name(job.entry), job.asOf)) return 'committed already';
    if (this.#stopping) return 'stopping';
    const plan = name(job.entry);
    if (job.catchUp && job.attempt === 0) this.#log(`${plan}: catching up the run due at ${iso(job.asOf)} (no successful run as of then)`);
    const current = { job, controller: new AbortController(), stage: undefined as RunProgress['stage'] | undefined };
    this.#current = current;
    const runId = randomUUID();
    this.#log(`${plan}: started run ${runId} as of ${iso(job.asOf)}${job.attempt > 0 ? ` (retry ${job.attempt} of ${this.#delays.length})` : ''}`);
    return runPlan(db, job.entry.plan, {
      asOf: job.asOf,
      runId,
      ...(this.#options.cwd !== undefined ? { cwd: this.#options.cwd } : {}),
      signal: AbortSignal.any([current.controller.signal, lockLost]),
      onProgress: (progress) => {
        current.stage = progress.stage;
        this.#options.onProgress?.(plan, progress);
      },
    });
  }

  #report(job: Job, record: RunRecord): void {
    const plan = name(job.entry);
    const asOf = iso(job.asOf);
    if (record.status === 'succeeded' || record.status === 'delivering') {
      const took = record.finishedAt ? ` in ${duration(Date.parse(record.finishedAt) - Date.parse(record.startedAt))}` : '';
      const pending = record.status === 'delivering' ? '; webhook batches still to deliver' : '';
      this.#log(
        `${plan}: succeeded as of ${asOf}${took}: ${count(record.rows)} rows, audience ${count(record.audience)}, ` +
          `holdout ${count(record.holdout)}, suppressed ${count(record.suppressed)}${pending}`,
      );
      if (job.catchUp) this.#log(`${plan}: caught up the run due at ${asOf}`);
      return;
    }
    if (this.#stopping && record.error === 'cancelled') {
      this.#log(`${plan}: cancelled the run as of ${asOf}; nothing was written`);
      return;
    }
    this.#log(`${plan}: failed as of ${asOf}: ${record.error ?? record.status}`);
    this.#retry(job);
  }

  /**
   * Tries the job again after the next back-off delay. A busy plan (another
   * process runs it) is not a failure: it is looked at again after the current
   * delay without using up an attempt, and usually turns out already run.
   */
  #retry(job: Job, reason: 'failed' | 'busy' = 'failed'): void {
    if (this.#stopping) return;
    const plan = name(job.entry);
    const due = iso(job.asOf);
    const latest = job.entry.latestDue;
    if (latest && latest > job.asOf) {
      this.#log(`${plan}: not retrying the run due at ${due}: the run due at ${iso(latest)} supersedes it`);
      return;
    }
    const busy = reason === 'busy';
    const delay = this.#delays[busy ? Math.min(job.attempt, this.#delays.length - 1) : job.attempt];
    if (delay === undefined) {
      const next = job.entry.next ? `; next run at ${iso(job.entry.next)}` : '';
      const attempts = `${job.attempt + 1} attempt${job.attempt === 0 ? '' : 's'}`;
      this.#log(`${plan}: giving up on the run due at ${due} after ${attempts}${next}`);
      return;
    }
    this.#log(
      busy
        ? `${plan}: looking again in ${duration(delay)} (the run due at ${due})`
        : `${plan}: retry ${job.attempt + 1} of ${this.#delays.length} in ${duration(delay)} (the run due at ${due})`,
    );
    const timer = setTimeout(() => {
      job.entry.retry = undefined;
      this.#enqueue({ ...job, attempt: busy ? job.attempt : job.attempt + 1 });
    }, delay);
    job.entry.retry = { timer, asOf: job.asOf };
  }


  /** A fresh connection per run: a restarted server or a replaced file is picked up. */
  async #open(): Promise<Database> {
    const file = databaseFile(this.#options.url);
    // connect() would create a missing SQLite/DuckDB file; a scheduler must not run on an empty one.
    if (file !== undefined && !existsSync(file)) throw new SegUserError(`the database file ${file} does not exist`);
    return connect(this.#options.url);
  }
}

function name(entry: PlanEntry): string {
  return entry.plan.plan;
}

function iso(date: Date): string {
  return date.toISOString();
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** 450 ms, 1.5 s, 2 min, 1.5 h. */
export function duration(ms: number): string {
  const round = (x: number) => String(Math.round(x * 10) / 10);
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${round(ms / 60_000)} min`;
  return `${round(ms / 3_600_000)} h`;
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' ').trim() || 'unknown error';
}
