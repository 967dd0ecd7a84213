/**
 * One run of the `weekly_email` plan in a process of its own, so its peak
 * memory (`process.resourceUsage().maxRSS`) is the run's alone — as when a
 * scheduler starts `seg run` for it. Bundled by plan-process.ts and started as
 *
 *   node plan-child.mjs <retail dir> <sqlite file> <mode> <as-of date> [table to keep the baseline's candidates in]
 *
 * mode: `runtime-uncapped` | `runtime-capped` (runPlan of the compiled plan),
 * `baseline` (the hand-written script, holdout draw first), `idle` (load,
 * compile and connect only: the floor under the others).
 * Prints one JSON line (`ChildResult`, plan-process.ts) on stdout.
 */
import { connect } from '../../packages/runtime/src/db/connect';
import { runPlan } from '../../packages/runtime/src/run/run-plan';
import type { RunRecord } from '../../packages/runtime/src/run/run-types';
import { compileWeeklyEmail } from './plan-workspace';
import { REFERENCE_CANDIDATES, fillReferenceHoldout, runPlanReference } from './plan-reference';
import type { ChildMode, ChildResult } from './plan-process';
import { referenceParameters } from './reference-queries';

const RUN_ID = 'baseline-run';

async function main(): Promise<void> {
  const [retailDir, dbPath, mode, asOfDate, keepCandidates] = process.argv.slice(2) as [string, string, ChildMode, string, string | undefined];
  const asOf = new Date(`${asOfDate}T00:00:00Z`);
  const plan = mode === 'baseline' ? undefined : compileWeeklyEmail(retailDir, mode === 'runtime-capped' ? 'capped' : 'uncapped');
  const db = await connect(`sqlite:${dbPath}`);
  // The JS heap, sampled between statements (better-sqlite3 blocks the event loop while one runs):
  // what of the peak RSS is JavaScript's, and what SQLite's own.
  let peakHeap = 0;
  const sample = () => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  const memory = () => ({ maxRssKiB: process.resourceUsage().maxRSS, peakHeapKiB: Math.round(peakHeap / 1024) });
  // Where the time goes: ms per runtime stage, or per statement of the script.
  const steps: Record<string, number> = {};
  let lap = performance.now();
  const step = (name: string) => {
    const now = performance.now();
    steps[name] = (steps[name] ?? 0) + (now - lap);
    lap = now;
    sample();
  };
  try {
    let result: ChildResult;
    if (mode === 'idle') {
      await db.query('SELECT count(*) AS n FROM customers');
      sample();
      result = { mode, ms: 0, ...memory() };
    } else if (mode === 'baseline') {
      const started = performance.now();
      lap = started;
      await fillReferenceHoldout(db, sample);
      step('holdout draw');
      const holdoutMs = performance.now() - started;
      await runPlanReference(db, { ...referenceParameters(asOf), run_id: RUN_ID }, step);
      const ms = performance.now() - started;
      const peak = memory();
      const [counts] = await db.query<{ audience: number; holdout: number }>('SELECT count(*) AS audience, sum(holdout) AS holdout FROM baseline_audience');
      if (keepCandidates) {
        await db.exec(`DROP TABLE IF EXISTS ${keepCandidates}; CREATE TABLE ${keepCandidates} AS SELECT * FROM temp.${REFERENCE_CANDIDATES}`);
      }
      result = { mode, ms, holdoutMs, ...peak, steps, audience: Number(counts?.audience), holdout: Number(counts?.holdout) };
    } else {
      const started = performance.now();
      lap = started;
      // A stage's first progress report (done 0) ends the stage before it.
      let stage = 'start';
      let arbitration: string | undefined;
      const record = await runPlan(db, plan!, {
        asOf,
        onProgress: (progress) => {
          if (progress.stage === 'arbitration' && progress.message?.includes('proven')) arbitration = progress.message;
          if (progress.done === 0 && progress.stage !== stage) {
            step(stage);
            stage = progress.stage;
          } else sample();
        },
      });
      step(stage);
      result = { mode, ms: performance.now() - started, ...memory(), steps, record, ...(arbitration ? { arbitration } : {}) };
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await db.close();
  }
}

await main();
