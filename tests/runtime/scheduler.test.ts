/**
 * startScheduler in-process on a real SQLite file: what `stop()` does to the
 * run in progress depends on its stage — cancelled (rolled back, recorded
 * `failed: cancelled`) before its last stage, let finish in it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilePlan } from '@seg/compiler';
import { checkWorkspace } from '@seg/core';
import { connect, type Scheduler, startScheduler } from '@seg/runtime';
import { afterAll, describe, expect, it } from 'vitest';

const scratch = mkdtempSync(join(tmpdir(), 'seg-scheduler-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const files = {
  'model.seg': `audience customers

table customers key customer_id {
  email_opt_in bool
  spend        number
}
`,
  'offers.seg': `offer hello "Hello" {
  channels email
  score 1 + spend
}
`,
  'plans.seg': `plan daily "Daily" {
  audience email_opt_in
  channel email
  offers all
  top 1 per customer
  schedule "0 6 * * *" in "UTC"
  output table daily_out
}
`,
};

let n = 0;
async function database(): Promise<string> {
  const url = `sqlite:${join(scratch, `shop-${++n}.db`)}`;
  const db = await connect(url);
  await db.exec(`create table customers (customer_id text primary key, email_opt_in boolean, spend real);
    insert into customers values ('c1', 1, 10), ('c2', 0, 5), ('c3', 1, 2)`);
  await db.close();
  return url;
}

/** Starts a scheduler (it catches up the last 06:00 UTC at once) and stops it when a run reaches `stage`. */
async function stopAt(stage: string): Promise<{ url: string; log: string[] }> {
  const workspace = checkWorkspace({ files, config: { name: 'shop', timezone: 'UTC' } }).workspace!;
  const url = await database();
  const log: string[] = [];
  const scheduler: Scheduler = startScheduler({
    url,
    plans: [compilePlan(workspace, 'daily', 'sqlite')],
    log: (line) => log.push(line),
    retryDelaysMs: [],
    onProgress: (_plan, progress) => {
      if (progress.stage === stage) void scheduler.stop();
    },
  });
  await scheduler.stopped;
  return { url, log };
}

async function history(url: string): Promise<{ runs: { status: string; error: string | null }[]; output: number | null }> {
  const db = await connect(url);
  try {
    const runs = await db.query<{ status: string; error: string | null }>('select status, error from seg_runs');
    const exists = (await db.query(`select 1 from sqlite_schema where name = 'daily_out'`)).length > 0;
    const [row] = exists ? await db.query<{ n: number }>('select count(*) as n from daily_out') : [];
    return { runs, output: row ? Number(row.n) : null };
  } finally {
    await db.close();
  }
}

describe('stopping the scheduler', () => {
  it('cancels a run before its last stage: rolled back, recorded cancelled', async () => {
    const { url, log } = await stopAt('facts');
    expect(log.some((line) => /Z stopping: cancelling the run of daily as of \S+T06:00:00\.000Z$/.test(line))).toBe(true);
    expect(log.some((line) => /Z daily: cancelled the run as of \S+; nothing was written$/.test(line))).toBe(true);
    expect(log.at(-1)).toMatch(/Z stopped$/);
    expect(await history(url)).toEqual({ runs: [{ status: 'failed', error: 'cancelled' }], output: null });
  });

  it('lets a run in its last stage finish', async () => {
    const { url, log } = await stopAt('cleanup');
    expect(log.some((line) => /Z stopping: letting the run of daily as of \S+ finish its last stage$/.test(line))).toBe(true);
    expect(log.some((line) => /Z daily: succeeded as of .*: 2 rows, audience 2, holdout 0, suppressed 0$/.test(line))).toBe(true);
    expect(await history(url)).toEqual({ runs: [{ status: 'succeeded', error: null }], output: 2 });
  });
});
