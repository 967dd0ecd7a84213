/**
 * A separate process contending for one plan's lock (bundled and spawned by
 * plan-lock-processes.test.ts). Each time it holds the lock it does what a run
 * does — a write transaction — and reports the interval it held the lock for.
 *
 *   node lock-child.mjs URL PLAN NAME ITERATIONS HOLD_MS
 *
 * Prints `locked` when it first holds the lock, and at the end one JSON line:
 * `{"intervals": [[start, end], …], "busy": N}` (epoch milliseconds).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '../../../packages/runtime/src/db/connect';
import { withPlanLock } from '../../../packages/runtime/src/run/plan-lock';

const [url, plan, name, iterationsText, holdText] = process.argv.slice(2);
const iterations = Number(iterationsText);
const holdMs = Number(holdText);
const db = await connect(url!);
const mark = db.dialect === 'postgres' ? '$1' : '?';
await db.exec('create table if not exists work (child text)').catch(() => {});

const intervals: [number, number][] = [];
let busy = 0;
for (let i = 0; i < iterations; i++) {
  const outcome = await withPlanLock(db, plan!, `child ${name}`, async () => {
    const start = Date.now();
    if (intervals.length === 0) process.stdout.write('locked\n');
    await db.transaction(async () => {
      await db.query(`insert into work (child) values (${mark})`, [name]);
      await sleep(holdMs);
    });
    return [start, Date.now()] as [number, number];
  });
  if (outcome.status === 'acquired') intervals.push(outcome.value);
  else busy++;
  await sleep(Math.random() * 15);
}
await db.close();
process.stdout.write(`${JSON.stringify({ intervals, busy })}\n`);
