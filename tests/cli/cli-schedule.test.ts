/**
 * `seg schedule` (and `seg run`) as real processes on real databases, under
 * faults: two schedulers on one database, a scheduler that was down, failing
 * runs, SIGTERM in the middle of a run, SIGKILL at random points, a locked or
 * missing database. What is checked is what a user would see: the run history
 * (`seg_runs`), the output table, the exit status and the log lines.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@seg/runtime';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { repoRoot, runSeg } from '../support/run-seg';
import { postgresSchemas } from '../support/postgres-schemas';
import { type SegProcess, startSeg } from '../support/start-seg';

const scratch = mkdtempSync(join(tmpdir(), 'seg-schedule-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const started: SegProcess[] = [];
/** A scheduler left running by a failed assertion must not outlive its test. */
afterEach(() => {
  for (const proc of started.splice(0)) if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
});
function schedule(args: readonly string[]): SegProcess {
  const proc = startSeg(['schedule', ...args]);
  started.push(proc);
  return proc;
}

const MODEL = `audience customers

table customers key customer_id {
  email_opt_in bool
  spend        number
}
`;
const OFFERS = `offer hello "Hello" {
  channels email
  score 1 + spend
}
`;
const plan = (schedule: string) => `plan ticker "A plan on a schedule" {
  audience email_opt_in
  channel email
  offers all
  top 1 per customer
  schedule ${schedule}
  output table ticker_out
}
`;

let workspaces = 0;
/**
 * A workspace whose one plan `ticker` runs on `scheduleText` (as written after
 * `schedule` in .seg) and a database with `customers` customers, of whom those
 * with an id not divisible by 3 opted in: the audience is ⌊2n/3⌋ (rounded as the ids fall).
 */
async function setup(scheduleText: string, customers: number, databaseUrl?: string): Promise<{ dir: string; url: string }> {
  const dir = join(scratch, `ws-${++workspaces}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'seg.json'), JSON.stringify({ name: 'ticker', timezone: 'UTC' }));
  writeFileSync(join(dir, 'model.seg'), MODEL);
  writeFileSync(join(dir, 'offers.seg'), OFFERS);
  writeFileSync(join(dir, 'plans.seg'), plan(scheduleText));
  const url = databaseUrl ?? `sqlite:${join(dir, 'shop.db')}`;
  const db = await connect(url);
  try {
    await db.exec('create table customers (customer_id text primary key, email_opt_in boolean, spend double precision)');
    await db.exec(
      `with recursive n(x) as (select 1 union all select x + 1 from n where x < ${customers})
       insert into customers select 'c' || x, x % 3 > 0, x % 97 from n`,
    );
  } finally {
    await db.close();
  }
  return { dir, url };
}

/** Customers 1..n opted in: those whose id is not divisible by 3. */
const audienceOf = (n: number) => n - Math.floor(n / 3);

interface RunRow {
  run_id: string;
  as_of: string;
  started_at: string;
  finished_at: string | null;
  status: string;
  error: string | null;
  rows: number;
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const db = await connect(url);
  try {
    return await db.query<T>(sql);
  } finally {
    await db.close();
  }
}

const runsOf = (url: string) =>
  query<RunRow>(url, `select run_id, as_of, started_at, finished_at, status, error, "rows" from seg_runs where plan = 'ticker' order by started_at, run_id`);

/** Output rows per run id. */
async function outputByRun(url: string): Promise<Map<string, number>> {
  const rows = await query<{ run_id: string; n: number }>(url, 'select run_id, count(*) as n from ticker_out group by run_id');
  return new Map(rows.map((r) => [String(r.run_id), Number(r.n)]));
}

async function tableExists(url: string, table: string): Promise<boolean> {
  return (await query(url, `select name from sqlite_schema where type = 'table' and name = '${table}'`)).length > 0;
}

/** The last scheduled 06:00 in Kolkata (00:30 UTC, no daylight saving) at or before `now`, by hand. */
function lastKolkataSix(now: Date): string {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 0, 30));
  return (today <= now ? today : new Date(today.getTime() - 86_400_000)).toISOString();
}
const DAILY = '"0 6 * * *" in "Asia/Kolkata"';

/** Exits cleanly (status 0) within `ms` of SIGTERM. */
async function stopCleanly(proc: SegProcess, ms = 8000): Promise<number> {
  const sent = Date.now();
  proc.child.kill('SIGTERM');
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit within ${ms} ms; stderr:\n${proc.stderr()}`)), ms));
  const exit = await Promise.race([proc.exited, timeout]);
  expect(exit, proc.stderr()).toEqual({ status: 0, signal: null });
  expect(proc.stderr()).toMatch(/ stopped\n$/);
  return Date.now() - sent;
}

const NO_STACK = /\n\s+at /;

interface Target {
  readonly label: string;
  url(dir: string): Promise<string | undefined>;
}
const targets: Target[] = [{ label: 'sqlite', url: async () => undefined }];
const postgresUrl = process.env.SEG_TEST_POSTGRES_URL?.trim();
if (postgresUrl) {
  const schemas = postgresSchemas(postgresUrl, 'seg_schedule_test');
  targets.push({ label: 'postgres', url: () => schemas.url() });
  afterAll(() => schemas.dropAll());
}

describe.each(targets)('two schedulers on one $label database', (target) => {
  it('never run one plan twice at once, nor one scheduled time twice', async () => {
    // Every second; 20,000 customers make each run long enough for the two to collide.
    const { dir, url } = await setup('"* * * * * *" in "UTC"', 20_000, await target.url(scratch));
    const a = schedule([dir, '--db', url, '--retry', '0.2s']);
    const b = schedule([dir, '--db', url, '--retry', '0.2s']);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const runs = await runsOf(url).catch(() => [] as RunRow[]);
      if (runs.filter((r) => r.status === 'succeeded').length >= 4) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await Promise.all([stopCleanly(a), stopCleanly(b)]);

    const runs = await runsOf(url);
    const succeeded = runs.filter((r) => r.status === 'succeeded');
    expect(succeeded.length, a.stderr() + b.stderr()).toBeGreaterThanOrEqual(4);
    // One plan, one run at a time: each starts after the previous one finished.
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i]!.started_at >= runs[i - 1]!.finished_at!, `run ${i} overlaps run ${i - 1}: ${JSON.stringify(runs.slice(i - 1, i + 1))}`).toBe(true);
    }
    // Each scheduled time succeeded once, whichever scheduler ran it; every run as of a whole second.
    expect(new Set(succeeded.map((r) => r.as_of)).size).toBe(succeeded.length);
    for (const run of runs) expect(run.as_of).toMatch(/T\d\d:\d\d:\d\d\.000Z$/);
    // Nothing left running; only cancellations by the final SIGTERM may have failed.
    for (const run of runs) expect(['succeeded', 'failed']).toContain(run.status);
    for (const run of runs.filter((r) => r.status === 'failed')) expect(run.error).toBe('cancelled');
    // They did meet: one found the plan running, or its time already run, by the other.
    expect(a.stderr() + b.stderr()).toMatch(/ticker: (plan ticker is already running \(since .*, by seg schedule on .*:\d+\)|the run due at .* has already succeeded)/);
    expect(a.stderr() + b.stderr()).not.toMatch(NO_STACK);
    // Every succeeded run's output is all there.
    const output = await outputByRun(url);
    for (const run of succeeded) expect(output.get(run.run_id)).toBe(audienceOf(20_000));
  });
});

describe('seg schedule on start-up', () => {
  it('catches up a missed run once, as of the scheduled time', async () => {
    const { dir, url } = await setup(DAILY, 30);
    const expected = lastKolkataSix(new Date());
    const first = schedule([dir, '--db', url]);
    await first.waitFor(/ticker: caught up the run due at /);
    await stopCleanly(first);
    expect(first.stderr()).toContain(`ticker: catching up the run due at ${expected} (no successful run as of then)`);
    expect(first.stderr()).toMatch(new RegExp(`ticker: succeeded as of ${expected} in [\\d.]+ m?s: 20 rows, audience 20, holdout 0, suppressed 0\\n`));

    // Started again: the time has its run, so nothing more runs.
    const second = schedule([dir, '--db', url]);
    await second.waitFor(/ticker: up to date: the run due at /);
    await stopCleanly(second);
    expect(second.stderr()).toContain(`ticker: up to date: the run due at ${expected} has succeeded`);
    expect(second.stderr()).not.toContain('started run');

    const runs = await runsOf(url);
    expect(runs.map((r) => [r.as_of, r.status, Number(r.rows)])).toEqual([[expected, 'succeeded', 20]]);
  });

  it('refuses a workspace without a scheduled plan, and a bad --retry', async () => {
    const { dir, url } = await setup(DAILY, 3);
    writeFileSync(join(dir, 'plans.seg'), plan(DAILY).replace(/ *schedule .*\n/, ''));
    const none = runSeg(['schedule', dir, '--db', url]);
    expect(none).toMatchObject({ status: 1, stdout: '' });
    expect(none.stderr).toBe('seg schedule: no plan has a schedule: add one, e.g. schedule "0 6 * * MON" in "Europe/London"\n');
    const bad = runSeg(['schedule', dir, '--db', url, '--retry', 'soon']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--retry takes durations like 30s,2m,8m (or none), not "soon"');
  });
});

describe('seg schedule with failing runs', () => {
  it('records each failed attempt and retries until a run succeeds', async () => {
    const { dir, url } = await setup(DAILY, 30);
    const expected = lastKolkataSix(new Date());
    // An output table that holds something else: the run cannot write its rows.
    await query(url, 'create table ticker_out (note text)');
    const proc = schedule([dir, '--db', url, '--retry', '0.4s,0.4s,0.4s']);
    await proc.waitFor(/ticker: retry 2 of 3 in 400 ms/);
    // Fixed while the scheduler waits: the third attempt succeeds.
    await query(url, 'drop table ticker_out');
    await proc.waitFor(/ticker: caught up the run due at /);
    await stopCleanly(proc);

    const log = proc.stderr();
    expect(log).toMatch(
      new RegExp(`ticker: failed as of ${expected}: output table "ticker_out" already exists without the columns .*\\n.*ticker: retry 1 of 3 in 400 ms \\(the run due at ${expected}\\)`),
    );
    expect(log).toMatch(/ticker: started run .* \(retry 2 of 3\)/);
    expect(log).not.toMatch(NO_STACK);
    const runs = await runsOf(url);
    expect(runs.map((r) => [r.as_of, r.status])).toEqual([
      [expected, 'failed'],
      [expected, 'failed'],
      [expected, 'succeeded'],
    ]);
    expect(runs[0]!.error).toMatch(/output table "ticker_out" already exists without the columns/);
    expect(await outputByRun(url)).toEqual(new Map([[runs[2]!.run_id, 20]]));
  });

  it('gives up after the last retry and waits for the next time', async () => {
    const { dir, url } = await setup(DAILY, 30);
    const expected = lastKolkataSix(new Date());
    await query(url, 'drop table customers');
    const proc = schedule([dir, '--db', url, '--retry', '0.2s']);
    await proc.waitFor(/ticker: giving up/);
    await stopCleanly(proc);
    expect(proc.stderr()).toMatch(new RegExp(`ticker: giving up on the run due at ${expected} after 2 attempts; next run at \\d{4}-\\d\\d-\\d\\dT00:30:00.000Z\\n`));
    const runs = await runsOf(url);
    expect(runs.map((r) => [r.as_of, r.status])).toEqual([
      [expected, 'failed'],
      [expected, 'failed'],
    ]);
    expect(runs[1]!.error).toMatch(/customers/);
  });
});

describe('stopping seg schedule', () => {
  it('on SIGTERM during a run: rolls it back, records it cancelled, exits 0; the next run succeeds', async () => {
    const customers = 120_000;
    const { dir, url } = await setup(DAILY, customers);
    const expected = lastKolkataSix(new Date());
    // An earlier run's output, which must survive untouched.
    const earlier = runSeg(['run', 'ticker', dir, '--db', url, '--as-of', '2026-01-01']);
    expect(earlier.status, earlier.stderr).toBe(0);
    const before = await outputByRun(url);
    expect([...before.values()]).toEqual([audienceOf(customers)]);

    const proc = schedule([dir, '--db', url]);
    await proc.waitFor(/ticker: started run /);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const took = await stopCleanly(proc);
    expect(took).toBeLessThan(5000);
    expect(proc.stderr()).toContain(`stopping: cancelling the run of ticker as of ${expected}`);
    expect(proc.stderr()).toContain(`ticker: cancelled the run as of ${expected}; nothing was written`);

    expect(await outputByRun(url)).toEqual(before);
    const cancelled = (await runsOf(url)).filter((r) => r.as_of === expected);
    expect(cancelled.map((r) => [r.status, r.error])).toEqual([['failed', 'cancelled']]);
    expect(await query(url, 'select plan from seg_locks')).toEqual([]);

    const again = schedule([dir, '--db', url]);
    await again.waitFor(/ticker: caught up the run due at /, 30_000);
    await stopCleanly(again);
    const runs = (await runsOf(url)).filter((r) => r.as_of === expected);
    expect(runs.map((r) => r.status)).toEqual(['failed', 'succeeded']);
    const after = await outputByRun(url);
    expect(after.get(runs[1]!.run_id)).toBe(audienceOf(customers));
    expect(after.size).toBe(2);
  });
});

/** mulberry32: a small seeded PRNG, so a failing sequence of kills can be replayed (SEG_SEED). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('seg run killed with SIGKILL', () => {
  it('never leaves partial output; the next run succeeds and marks the killed ones interrupted', async () => {
    const seed = Number(process.env.SEG_SEED ?? 20261202);
    const random = prng(seed);
    const customers = 60_000;
    const { dir, url } = await setup(DAILY, customers);
    const kills: { asOf: string; delay: number; afterRecorded: boolean }[] = [];

    for (let i = 0; i < 6; i++) {
      const asOf = `2026-03-0${i + 1}T00:00:00.000Z`;
      // Half the kills count from the spawn (they may fall in start-up), half from the run's `running` row.
      const afterRecorded = i % 2 === 1;
      const delay = Math.floor(random() * (afterRecorded ? 700 : 1800));
      kills.push({ asOf, delay, afterRecorded });
      const proc = startSeg(['run', 'ticker', dir, '--db', url, '--as-of', asOf]);
      started.push(proc);
      if (afterRecorded) await waitForRunning(url, asOf, proc);
      await new Promise((resolve) => setTimeout(resolve, delay));
      proc.child.kill('SIGKILL');
      await proc.exited;
      await expectWholeOutputs(url, customers, `seed ${seed}, kill ${i} (${JSON.stringify(kills[i])})`);
    }

    const next = runSeg(['run', 'ticker', dir, '--db', url, '--as-of', '2026-03-09']);
    expect(next.status, next.stderr).toBe(0);
    const runs = await runsOf(url);
    const context = `seed ${seed}: ${JSON.stringify(kills)}\n${JSON.stringify(runs, null, 1)}`;
    expect(runs.at(-1), context).toMatchObject({ as_of: '2026-03-09T00:00:00.000Z', status: 'succeeded' });
    // Every killed run that got as far as being recorded is now interrupted (or had finished).
    for (const run of runs) expect(['succeeded', 'interrupted'], context).toContain(run.status);
    expect(runs.filter((r) => r.status === 'interrupted').length, context).toBeGreaterThan(0);
    for (const kill of kills.filter((k) => k.afterRecorded)) {
      expect(runs.some((r) => r.as_of === kill.asOf), context).toBe(true);
    }
    await expectWholeOutputs(url, customers, context);
  });
});

/** Waits until the run as of `asOf` is recorded `running` (the killed process got that far). */
async function waitForRunning(url: string, asOf: string, proc: SegProcess): Promise<void> {
  const end = Date.now() + 20_000;
  for (;;) {
    const rows = await query<{ status: string }>(url, `select status from seg_runs where as_of = '${asOf}'`).catch(() => []);
    if (rows.some((r) => r.status === 'running')) return;
    if (Date.now() > end) throw new Error(`the run as of ${asOf} was never recorded running; stderr:\n${proc.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Output rows exist exactly for succeeded runs, all of each run's rows: never part of one. */
async function expectWholeOutputs(url: string, customers: number, context: string): Promise<void> {
  const runs = await runsOf(url).catch(() => [] as RunRow[]);
  const output = (await tableExists(url, 'ticker_out')) ? await outputByRun(url) : new Map<string, number>();
  const succeeded = new Map(runs.filter((r) => r.status === 'succeeded').map((r) => [r.run_id, audienceOf(customers)]));
  expect(output, context).toEqual(succeeded);
}

describe('seg schedule and seg run when the database is locked or missing', () => {
  it('say so in one line, retry, and run once the lock is gone', async () => {
    const { dir, url } = await setup(DAILY, 30);
    const path = url.slice('sqlite:'.length);
    // Another program holds the database's write lock for 8 s.
    const locker = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(process.argv[1]);
         db.exec('begin exclusive'); db.exec("update customers set spend = spend where customer_id = 'c1'");
         process.stdout.write('locked\\n'); setTimeout(() => { db.exec('commit'); db.close(); }, 8000);`,
        path,
      ],
      { cwd: join(repoRoot, 'packages/runtime'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => locker.stdout!.once('data', () => resolve()));

    const proc = schedule([dir, '--db', url, '--retry', '1s,1s,1s,1s,1s,1s']);
    // Meanwhile (SQLite waits 5 s for a lock before it gives up):
    const run = runSeg(['run', 'ticker', dir, '--db', url, '--as-of', '2026-01-01']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^seg run: .*database is locked.*\n$/);

    await proc.waitFor(/ticker: could not run as of .*database is locked/);
    await proc.waitFor(/ticker: caught up the run due at /, 30_000);
    await stopCleanly(proc);
    expect(proc.stderr()).not.toMatch(NO_STACK);
    expect((await runsOf(url)).map((r) => r.status).at(-1)).toBe('succeeded');
  });

  it('wait for a missing SQLite file without creating it', async () => {
    const missing = join(scratch, 'nowhere', 'shop.db');
    const { dir } = await setup(DAILY, 3);
    const proc = schedule([dir, '--db', `sqlite:${missing}`, '--retry', '0.2s']);
    await proc.waitFor(/ticker: giving up/);
    await stopCleanly(proc);
    expect(proc.stderr()).toContain(`ticker: could not run as of ${lastKolkataSix(new Date())}: the database file ${missing} does not exist`);
    expect(proc.stderr()).toMatch(/ticker: retry 1 of 1 in 200 ms/);
    expect(existsSync(missing)).toBe(false);
  });

  it('report a file that is not a database, without a stack trace', async () => {
    const { dir } = await setup(DAILY, 3);
    const broken = join(dir, 'broken.db');
    writeFileSync(broken, 'this is not a database file, just text long enough to have a header ...'.repeat(20));
    const proc = schedule([dir, '--db', `sqlite:${broken}`, '--retry', '0.2s']);
    await proc.waitFor(/ticker: giving up/);
    await stopCleanly(proc);
    expect(proc.stderr()).toMatch(/ticker: could not run as of .*: .*file is not a database\n/);
    expect(proc.stderr()).not.toMatch(NO_STACK);
  });

  it('wait for an unreachable PostgreSQL server', async () => {
    const { dir } = await setup(DAILY, 3);
    // Port 9 (discard) has nothing listening here: the connection is refused.
    const proc = schedule([dir, '--db', 'postgres://seg@127.0.0.1:9/seg', '--retry', '0.2s']);
    await proc.waitFor(/ticker: giving up/);
    await stopCleanly(proc);
    expect(proc.stderr()).toMatch(/ticker: could not run as of .*: Cannot connect to PostgreSQL at postgres:\/\/seg@127\.0\.0\.1:9\/seg: .*\n/);
    expect(proc.stderr()).not.toMatch(NO_STACK);
  });
});
