/**
 * `pnpm bench`, ranking plan: how fast and how lean is a run of the retail
 * example's `weekly_email` plan (audience, strategy, 5 offers + the 120-coupon
 * family, boosts, top 8 per customer, at most 2 per category, holdout 10 %)?
 *
 * 1. Time, on the segment benchmark's database (200,000 customers): `runPlan`
 *    of the compiled plan with every `cap` removed, against a hand-written SQL
 *    script of the same plan (support/plan-reference.ts), run alternately; both
 *    must assign the same (customer, offer, rank) before anything is timed.
 *    Then once with the caps as written, checked against the reference
 *    arbitration over the script's candidates (support/plan-check.ts).
 * 2. Peak memory: every run is a process of its own (support/plan-child.ts),
 *    whose maxRSS is read; the same runs on a 50,000- and a 400,000-customer
 *    database show whether memory grows with the number of customers. SQLite's
 *    own memory grows until its caches are full (the hand-written script's
 *    too), and a capped run's bids until the caps are: 200,000 → 400,000 is
 *    the figure that says whether anything keeps growing.
 *
 * Each run starts from the same database: both output tables dropped and the
 * plan's contacts deleted first (untimed). The databases are copies of the
 * cached ones (`.bench/retail-*-plan.db`), so runs never change those.
 * Knobs: SEG_BENCH_CUSTOMERS (200000), SEG_BENCH_PLAN_SMALL (50000),
 * SEG_BENCH_PLAN_DOUBLE (twice SEG_BENCH_CUSTOMERS; 0 skips it),
 * SEG_BENCH_PLAN_RUNS (3 timed pairs), SEG_BENCH_SEED (42).
 */
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { connect } from '../packages/runtime/src/db/connect';
import { ensureBenchDatabase, type BenchDatabase } from './support/bench-database';
import { checkCapped, compareAssignments, readAssignments, type CappedCheck, type Comparison } from './support/plan-check';
import { buildPlanChild, runPlanChild, type ChildMode, type ChildResult } from './support/plan-process';
import { REFERENCE_OUTPUT, RUNTIME_OUTPUT, resetPlanRuns } from './support/plan-reference';
import { machine, median, mergeJson, table } from './support/report';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CUSTOMERS = Number(process.env.SEG_BENCH_CUSTOMERS ?? 200_000);
const SMALL = Number(process.env.SEG_BENCH_PLAN_SMALL ?? 50_000);
const DOUBLE = Number(process.env.SEG_BENCH_PLAN_DOUBLE ?? 2 * CUSTOMERS);
const SEED = Number(process.env.SEG_BENCH_SEED ?? 42);
const RUNS = Number(process.env.SEG_BENCH_PLAN_RUNS ?? 3);
const AS_OF = '2026-11-22';
const RETAIL_DIR = join(ROOT, 'examples/retail');
const RESULTS = join(ROOT, '.bench/results.json');
const KEPT_CANDIDATES = 'baseline_candidates_kept';
const PAIRS = { iterations: RUNS, warmupIterations: 0, time: 0, warmupTime: 0 };
const ONCE = { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 };

// Built at collection time, so a runtime that does not build shows as skipped benchmarks with the reason.
const child = await buildPlanChild(ROOT);
const ready = child.ready;

interface PlanDatabase {
  readonly source: BenchDatabase;
  /** The copy the runs write to. */
  readonly path: string;
}

let large: PlanDatabase | undefined;
let small: PlanDatabase | undefined;
let double: PlanDatabase | undefined;
let uncappedCheck: (Comparison & { audience: string; holdout: string }) | undefined;
let cappedCheck: (CappedCheck & { arbitration: string | null }) | undefined;
/** Every run, by `<customers>:<mode>`. */
const runs = new Map<string, ChildResult[]>();
const pairRatios: number[] = [];

async function planDatabase(customers: number): Promise<PlanDatabase> {
  const source = await ensureBenchDatabase(ROOT, customers, SEED, AS_OF);
  const path = source.path.replace(/\.db$/, '-plan.db');
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
  copyFileSync(source.path, path);
  return { source, path };
}

/** One run in its own process, from a reset database. */
async function run(database: PlanDatabase, mode: ChildMode, keepCandidates?: string): Promise<ChildResult> {
  const db = await connect(`sqlite:${database.path}`);
  try {
    await resetPlanRuns(db);
  } finally {
    await db.close();
  }
  if (!child.ready) throw new Error(child.reason);
  const result = runPlanChild(child.path, { retailDir: RETAIL_DIR, database: database.path, mode, asOf: AS_OF, ...(keepCandidates ? { keepCandidates } : {}) });
  const key = `${database.source.customers}:${mode}`;
  runs.set(key, [...(runs.get(key) ?? []), result]);
  return result;
}

async function readOutput(database: PlanDatabase, table: string) {
  const db = await connect(`sqlite:${database.path}`);
  try {
    return await readAssignments(db, table);
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  large = await planDatabase(CUSTOMERS);
  small = await planDatabase(SMALL);
  if (DOUBLE > 0) double = await planDatabase(DOUBLE);
  if (!ready) return;
  // The check runs are untimed (and warm the page cache for both sides alike).
  const baseline = await run(large, 'baseline', KEPT_CANDIDATES);
  const baselineRows = await readOutput(large, REFERENCE_OUTPUT);
  const runtime = await run(large, 'runtime-uncapped');
  const runtimeRows = await readOutput(large, RUNTIME_OUTPUT);
  const comparison = compareAssignments(baselineRows, runtimeRows);
  const record = runtime.record!;
  uncappedCheck = {
    ...comparison,
    equal: comparison.equal && record.audience === baseline.audience && record.holdout === baseline.holdout,
    audience: `${baseline.audience} vs ${record.audience}`,
    holdout: `${baseline.holdout} vs ${record.holdout}`,
  };
  runs.clear();
  if (!uncappedCheck.equal) {
    throw new Error(`runPlan and the hand-written plan disagree: ${JSON.stringify(uncappedCheck, null, 2)}`);
  }
});

afterAll(() => {
  report();
});

describe(`ranking plan weekly_email (${CUSTOMERS.toLocaleString('en-US')} customers)`, () => {
  let pair = 0;
  // Alternating which side goes first, so a drift in the machine's speed hits both alike.
  (ready ? bench : bench.skip)(
    'hand-written SQL and runPlan without caps (alternating)',
    async () => {
      const order: ChildMode[] = pair++ % 2 === 0 ? ['baseline', 'runtime-uncapped'] : ['runtime-uncapped', 'baseline'];
      const ms: Partial<Record<ChildMode, number>> = {};
      for (const mode of order) ms[mode] = (await run(large!, mode)).ms;
      pairRatios.push(ms['runtime-uncapped']! / ms.baseline!);
    },
    PAIRS,
  );
  (ready ? bench : bench.skip)(
    'runPlan with caps',
    async () => {
      const capped = await run(large!, 'runtime-capped');
      const db = await connect(`sqlite:${large!.path}`);
      try {
        cappedCheck = { ...(await checkCapped(db, KEPT_CANDIDATES, RUNTIME_OUTPUT)), arbitration: capped.arbitration ?? null };
      } finally {
        await db.close();
      }
    },
    ONCE,
  );
  (ready ? bench : bench.skip)('process floor: load, compile, connect', async () => void (await run(large!, 'idle')), ONCE);
});

for (const [customers, database] of [[SMALL, () => small], [DOUBLE, () => double]] as const) {
  if (customers <= 0) continue;
  describe(`peak memory at ${customers.toLocaleString('en-US')} customers`, () => {
    for (const mode of ['baseline', 'runtime-uncapped', 'runtime-capped'] as const) {
      (ready ? bench : bench.skip)(mode, async () => void (await run(database()!, mode)), ONCE);
    }
  });
}

function report(): void {
  const host = machine();
  const mib = (kib: number | undefined) => (kib === undefined ? Number.NaN : round(kib / 1024));
  const stats = (customers: number | undefined, mode: ChildMode) => {
    const list = customers === undefined ? [] : (runs.get(`${customers}:${mode}`) ?? []);
    return {
      runs: list.length,
      medianMs: list.length ? round(median(list.map((r) => r.ms))) : null,
      minMs: list.length ? round(Math.min(...list.map((r) => r.ms))) : null,
      ...(mode === 'baseline' && list.length ? { holdoutMedianMs: round(median(list.map((r) => r.holdoutMs ?? 0))) } : {}),
      maxRssMiB: list.length ? mib(Math.max(...list.map((r) => r.maxRssKiB))) : null,
      peakHeapMiB: list.length ? mib(Math.max(...list.map((r) => r.peakHeapKiB))) : null,
      ...(list[0]?.record ? { rows: list[0].record.rows, audience: list[0].record.audience, holdout: list[0].record.holdout } : {}),
      stepsMedianMs: Object.fromEntries(Object.keys(list[0]?.steps ?? {}).map((k) => [k, Math.round(median(list.map((r) => r.steps?.[k] ?? 0)))])),
    };
  };
  const sizes = [large?.source.customers, small?.source.customers, double?.source.customers];
  const modes = ['baseline', 'runtime-uncapped', 'runtime-capped'] as const;
  const bySize = Object.fromEntries(sizes.map((n) => [String(n), Object.fromEntries(modes.map((m) => [m, stats(n, m)]))]));
  const big = bySize[String(sizes[0])]!;
  const ratio = (a: number | null | undefined, b: number | null | undefined) => (a && b ? round(a / b) : null);
  const baselineScript = big.baseline!.medianMs !== null ? big.baseline!.medianMs - (big.baseline!.holdoutMedianMs ?? 0) : null;
  const idle = stats(sizes[0], 'idle');
  const growth = (mode: (typeof modes)[number], from: number | undefined, to: number | undefined) => ratio(bySize[String(to)]?.[mode]!.maxRssMiB, bySize[String(from)]?.[mode]!.maxRssMiB);
  const growths = (from: number | undefined, to: number | undefined) => ({
    customers: ratio(to, from),
    ...Object.fromEntries(modes.map((m) => [m, growth(m, from, to)])),
  });
  const results = {
    date: new Date().toISOString(),
    machine: host,
    plan: 'weekly_email',
    asOf: AS_OF,
    databases: Object.fromEntries(
      [large, small, double].filter((d): d is PlanDatabase => d !== undefined).map((d) => [String(d.source.customers), { path: d.path, rows: d.source.counts, megabytes: round(d.source.bytes / 1e6) }]),
    ),
    runner: child.ready ? 'ready' : child.reason,
    check: { uncapped: uncappedCheck ?? null, capped: cappedCheck ?? null },
    ratio: {
      uncapped: ratio(big['runtime-uncapped']!.medianMs, big.baseline!.medianMs),
      uncappedPairs: pairRatios.map(round),
      uncappedVsScriptOnly: ratio(big['runtime-uncapped']!.medianMs, baselineScript),
      capped: ratio(big['runtime-capped']!.medianMs, big.baseline!.medianMs),
    },
    runs: bySize,
    idle,
    memoryGrowth: { [`${sizes[1]}→${sizes[0]}`]: growths(sizes[1], sizes[0]), [`${sizes[0]}→${sizes[2]}`]: growths(sizes[0], sizes[2]) },
  };
  mergeJson(RESULTS, { plan: results });

  const name = (mode: ChildMode) => ({ baseline: 'hand-written SQL', 'runtime-uncapped': 'runPlan, no caps', 'runtime-capped': 'runPlan, with caps', idle: 'load + compile + connect' })[mode];
  const lines = [
    '',
    `Ranking plan weekly_email — ${host.cpu}, ${host.cores} cores, Node ${host.node}, load ${host.loadAverage}` +
      (host.loadAverage > host.cores ? ' (busy machine: timings are noisy)' : ''),
    child.ready ? '' : `Plan runs skipped: ${child.reason}`,
    uncappedCheck ? `Assignments without caps: ${uncappedCheck.equal ? `identical (${uncappedCheck.left.toLocaleString('en-US')} rows)` : 'DIFFERENT'}` : '',
    cappedCheck
      ? `With caps: ${cappedCheck.violations.length === 0 ? 'every limit holds' : `LIMITS BROKEN (${cappedCheck.violations.join('; ')})`}; ` +
        `${cappedCheck.offers.toLocaleString('en-US')} offers, total score ${Math.round(cappedCheck.total).toLocaleString('en-US')} ` +
        `(greedy rule: ${cappedCheck.greedyOffers.toLocaleString('en-US')}, ${Math.round(cappedCheck.greedyTotal).toLocaleString('en-US')}); arbitration: ${cappedCheck.arbitration ?? '—'}`
      : '',
    table([
      ['run', 'customers', 'runs', 'median ms', 'min ms', 'ratio', 'peak RSS MiB', 'JS heap MiB'],
      ...sizes.filter((n) => n !== undefined).flatMap((n) =>
        modes.map((m) => {
          const s = bySize[String(n)]![m]!;
          return [name(m), n ?? Number.NaN, s.runs, s.medianMs ?? Number.NaN, s.minMs ?? Number.NaN, ratio(s.medianMs, bySize[String(n)]!.baseline!.medianMs) ?? Number.NaN, s.maxRssMiB ?? Number.NaN, s.peakHeapMiB ?? Number.NaN];
        }),
      ),
      [name('idle'), sizes[0] ?? Number.NaN, idle.runs, Number.NaN, Number.NaN, Number.NaN, idle.maxRssMiB ?? Number.NaN, idle.peakHeapMiB ?? Number.NaN],
    ]),
    `Without caps, runPlan / hand-written = ${results.ratio.uncapped ?? '—'} (pairs: ${pairRatios.map((r) => r.toFixed(2)).join(', ') || '—'}); ` +
      `against the script alone (holdout draw excluded) ${results.ratio.uncappedVsScriptOnly ?? '—'}.`,
    ...[
      [sizes[1], sizes[0]],
      [sizes[0], sizes[2]],
    ].map(([from, to]) => {
      const g = growths(from, to) as Record<string, number | null>;
      return `Peak RSS ${from?.toLocaleString('en-US')} → ${to?.toLocaleString('en-US')} customers: ` + modes.map((m) => `${name(m)} ×${g[m] ?? '—'}`).join(', ') + ` (customers ×${g.customers ?? '—'}).`;
    }),
    `Where the time goes at ${sizes[0]?.toLocaleString('en-US')} customers (median ms; runtime stages, script statements):`,
    ...modes.map((m) => `  ${name(m)}: ${Object.entries(big[m]!.stepsMedianMs).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ') || '—'}`),
    `Results written to ${RESULTS} (key "plan")`,
  ];
  console.log(lines.filter((l) => l !== '').join('\n'));

  if (cappedCheck && cappedCheck.violations.length > 0) throw new Error(`runPlan with caps breaks a limit: ${JSON.stringify(cappedCheck, null, 2)}`);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
