/**
 * `pnpm bench`: how fast is what Seg generates, and how fast is Seg itself?
 *
 * 1. Segment counts on a 200,000-customer retail database (SQLite): the SQL that
 *    `seg count` runs (compiler's compileCount + bindParameters) against a
 *    hand-written reference query; the counts must agree, and the target is
 *    compiled / hand-written ≤ 1.5.
 * 2. Compiler throughput: `seg check` and `seg compile` as whole processes on a
 *    generated 10,000-line workspace; targets < 1 s and < 2 s, start-up included.
 *
 * Prints a table and writes `.bench/results.json`. Environment knobs:
 * SEG_BENCH_CUSTOMERS (default 200000), SEG_BENCH_SEED (42), SEG_BENCH_LINES (10000).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { connect } from '../packages/runtime/src/db/connect';
import { ensureBenchDatabase, type BenchDatabase } from './support/bench-database';
import { writeLargeWorkspace, type GeneratedWorkspace } from './support/generate-workspace';
import { REFERENCE_QUERIES, bindNamed, referenceParameters } from './support/reference-queries';
import { machine, median, mergeJson, table, writeText } from './support/report';
import { loadCompiledCounts, type CompiledCounts } from './support/compiled-counts';
import { prepareCli, type CliStatus } from './support/cli-build';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CUSTOMERS = Number(process.env.SEG_BENCH_CUSTOMERS ?? 200_000);
const SEED = Number(process.env.SEG_BENCH_SEED ?? 42);
const LINES = Number(process.env.SEG_BENCH_LINES ?? 10_000);
const AS_OF = '2026-11-22';
const RETAIL_DIR = join(ROOT, 'examples/retail');
const WORKSPACE_DIR = join(ROOT, '.bench/workspace-10k');
const RESULTS = join(ROOT, '.bench/results.json');
const SQL_DIR = join(ROOT, '.bench/sql');
const TARGETS = { ratio: 1.5, checkMs: 1000, compileMs: 2000, testMs: 5000 };
const QUERY_RUNS = { iterations: 5, warmupIterations: 1, time: 0, warmupTime: 0 };
const PROCESS_RUNS = { iterations: 5, warmupIterations: 1, time: 0, warmupTime: 0 };

type Db = Awaited<ReturnType<typeof connect>>;
interface Prepared {
  readonly sql: string;
  readonly params: readonly unknown[];
}

// Decided at collection time, so unavailable parts show as skipped rather than failing.
const compiler: CompiledCounts = await loadCompiledCounts(RETAIL_DIR);
const compiled = new Map<string, Prepared>();
const compileErrors = new Map<string, string>();
if (compiler.ready) {
  for (const { segment } of REFERENCE_QUERIES) {
    try {
      compiled.set(segment, compiler.prepare(segment, new Date(`${AS_OF}T00:00:00Z`)));
    } catch (error) {
      compileErrors.set(segment, (error as Error).message);
    }
  }
}
const cli: CliStatus = prepareCli(ROOT);
const cliReady = cli.ready;

let database: BenchDatabase | undefined;
let db: Db | undefined;
let workspace: GeneratedWorkspace | undefined;
const reference = new Map<string, Prepared>();
const counts = new Map<string, { reference: number; compiled?: number }>();
const timings = new Map<string, number[]>();
const processStatus = new Map<string, { exit: number | null; output: string }>();

function record(key: string, ms: number): void {
  const list = timings.get(key) ?? [];
  list.push(ms);
  timings.set(key, list);
}

async function timeQuery(key: string, query: Prepared): Promise<number> {
  const started = performance.now();
  const [row] = await db!.query<{ count: number }>(query.sql, query.params);
  record(key, performance.now() - started);
  return Number(row?.count ?? 0);
}

function timeProcess(key: string, args: readonly string[], untimedSetup?: () => void): void {
  untimedSetup?.();
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  record(key, performance.now() - started);
  processStatus.set(key, { exit: run.status, output: `${run.stdout}${run.stderr}`.trim().split('\n').slice(0, 5).join('\n') });
}

beforeAll(async () => {
  database = await ensureBenchDatabase(ROOT, CUSTOMERS, SEED, AS_OF);
  db = await connect(database.url);
  const values = referenceParameters(new Date(`${AS_OF}T00:00:00Z`));
  for (const q of REFERENCE_QUERIES) {
    reference.set(q.segment, bindNamed(q.sql, values));
    const query = compiled.get(q.segment);
    if (query) {
      // Kept for reading: what the compiler produced, next to what an analyst wrote.
      writeText(join(SQL_DIR, `${q.segment}.compiled.sql`), `${query.sql}\n-- parameters: ${JSON.stringify(query.params)}\n`);
    }
    writeText(join(SQL_DIR, `${q.segment}.hand-written.sql`), `${reference.get(q.segment)!.sql.trim()}\n-- parameters: ${JSON.stringify(reference.get(q.segment)!.params)}\n`);
    // One untimed run of each: the counts must agree before any time means anything.
    const referenceCount = Number((await db.query<{ count: number }>(reference.get(q.segment)!.sql, reference.get(q.segment)!.params))[0]?.count);
    const compiledCount = query ? Number((await db.query<{ count: number }>(query.sql, query.params))[0]?.count) : undefined;
    counts.set(q.segment, { reference: referenceCount, compiled: compiledCount });
  }
  workspace = writeLargeWorkspace(WORKSPACE_DIR, RETAIL_DIR, LINES);
});

afterAll(async () => {
  await db?.close();
  report();
});

for (const q of REFERENCE_QUERIES) {
  describe(`segment ${q.segment}`, () => {
    (compiled.has(q.segment) ? bench : bench.skip)(
      'compiled (seg count)',
      async () => {
        await timeQuery(`compiled:${q.segment}`, compiled.get(q.segment)!);
      },
      QUERY_RUNS,
    );
    bench(
      'hand-written',
      async () => {
        await timeQuery(`reference:${q.segment}`, reference.get(q.segment)!);
      },
      QUERY_RUNS,
    );
  });
}

const COMPILE_OUT = join(ROOT, '.bench/workspace-10k-out');
/**
 * Cold compiles each write into a folder of their own, removed afterwards: deleting the previous output
 * just before a run made this disk (ext4 without a journal, which skips recently freed inodes) take
 * 0.5–1.0 s to create the ~1,500 files instead of 0.1–0.3 s into a new folder, as in a fresh checkout.
 */
const COLD_OUT = join(ROOT, '.bench/workspace-10k-cold');
let coldRuns = 0;
const seg = (...args: string[]) => [cli.ready ? cli.path : '', ...args];

describe(`compiler throughput (${LINES.toLocaleString('en-US')}-line workspace)`, () => {
  // How fast the machine starts a process right now: the floor under every figure below.
  bench('node (empty process)', () => timeProcess('node', ['-e', '0']), PROCESS_RUNS);
  (cliReady ? bench : bench.skip)('seg check', () => timeProcess('check', seg('check', WORKSPACE_DIR)), PROCESS_RUNS);
  // As in CI: no earlier output to reuse.
  (cliReady ? bench : bench.skip)(
    'seg compile',
    () => timeProcess('compile', seg('compile', WORKSPACE_DIR, '--dialect', 'sqlite', '--out', join(COLD_OUT, String(++coldRuns))), () => rmSync(join(COLD_OUT, String(coldRuns)), { recursive: true, force: true })),
    PROCESS_RUNS,
  );
  // As after an edit: the previous output is there, and unchanged files are linked, not rewritten.
  (cliReady ? bench : bench.skip)(
    'seg compile (recompile)',
    () =>
      timeProcess('recompile', seg('compile', WORKSPACE_DIR, '--dialect', 'sqlite', '--out', COMPILE_OUT), () => {
        if (!existsSync(COMPILE_OUT)) spawnSync(process.execPath, seg('compile', WORKSPACE_DIR, '--dialect', 'sqlite', '--out', COMPILE_OUT), { cwd: ROOT });
      }),
    PROCESS_RUNS,
  );
  // The example workspace's own tests, as CI runs them on every commit (issue 5: under 5 s).
  (cliReady ? bench : bench.skip)('seg test (examples/retail)', () => timeProcess('test', seg('test', join(ROOT, 'examples/retail'))), PROCESS_RUNS);
  afterAll(() => rmSync(COLD_OUT, { recursive: true, force: true }));
});

function report(): void {
  const host = machine();
  const segments = REFERENCE_QUERIES.map(({ segment }) => {
    const c = counts.get(segment);
    const compiledMs = median(timings.get(`compiled:${segment}`) ?? []);
    const referenceMs = median(timings.get(`reference:${segment}`) ?? []);
    const ratio = compiledMs / referenceMs;
    return {
      segment,
      count: c?.compiled ?? null,
      referenceCount: c?.reference ?? null,
      countsMatch: c?.compiled === undefined ? null : c.compiled === c.reference,
      ...(compileErrors.has(segment) ? { compileError: compileErrors.get(segment) } : {}),
      compiledMs: round(compiledMs),
      referenceMs: round(referenceMs),
      ratio: Number.isFinite(ratio) ? round(ratio) : null,
      withinTarget: Number.isFinite(ratio) ? ratio <= TARGETS.ratio : null,
    };
  });
  const processResult = (key: string, target: number | null) => {
    const ms = median(timings.get(key) ?? []);
    const status = processStatus.get(key);
    return {
      medianMs: Number.isFinite(ms) ? round(ms) : null,
      minMs: timings.has(key) ? round(Math.min(...timings.get(key)!)) : null,
      targetMs: target,
      exit: status?.exit ?? null,
      withinTarget: Number.isFinite(ms) && target !== null ? ms < target && status?.exit === 0 : null,
      ...(status && status.exit !== 0 ? { output: status.output } : {}),
    };
  };
  const results = {
    date: new Date().toISOString(),
    machine: host,
    database: database && {
      path: database.path,
      customers: database.customers,
      seed: database.seed,
      asOf: database.asOf,
      rows: database.counts,
      generationSeconds: round(database.generationSeconds),
      megabytes: round(database.bytes / 1e6),
      cached: database.cached,
    },
    compiler: compiler.ready ? 'ready' : compiler.reason,
    targets: TARGETS,
    segments,
    throughput: {
      workspace: workspace && { lines: workspace.lines, files: workspace.files, metrics: workspace.metrics, segments: workspace.segments, offers: workspace.offers },
      cli: cli.ready ? 'ready' : cli.reason,
      node: processResult('node', null),
      check: processResult('check', TARGETS.checkMs),
      compile: processResult('compile', TARGETS.compileMs),
      recompile: processResult('recompile', TARGETS.compileMs),
      test: processResult('test', TARGETS.testMs),
    },
  };
  mergeJson(RESULTS, results);

  const lines = [
    '',
    `Seg benchmark — ${host.cpu}, ${host.cores} cores, ${host.memoryGiB} GiB, Node ${host.node}, ${host.os}, load ${host.loadAverage}` +
      (host.loadAverage > host.cores ? ' (busy machine: timings are noisy)' : ''),
    database
      ? `Database: ${database.customers.toLocaleString('en-US')} customers, ${database.counts.orderLines.toLocaleString('en-US')} order lines, ` +
        `${round(database.bytes / 1e6)} MB, generated in ${round(database.generationSeconds)} s${database.cached ? ' (cached)' : ''}`
      : 'Database: not generated',
    compiler.ready ? '' : `Compiled side skipped: ${compiler.reason}`,
    ...[...compileErrors].map(([segment, message]) => `Compiling ${segment} failed: ${message}`),
    table([
      ['segment', 'count', 'hand-written count', 'compiled ms', 'hand-written ms', 'ratio', `≤ ${TARGETS.ratio}`],
      ...segments.map((s) => [
        s.segment,
        s.count ?? '—',
        s.referenceCount ?? '—',
        s.compiledMs ?? Number.NaN,
        s.referenceMs ?? Number.NaN,
        s.ratio ?? Number.NaN,
        s.countsMatch === false ? 'COUNT MISMATCH' : s.withinTarget === null ? '—' : s.withinTarget ? 'yes' : 'NO',
      ]),
    ]),
    '',
    cli.ready ? '' : `Commands skipped: ${cli.reason}`,
    workspace ? `Workspace: ${workspace.lines.toLocaleString('en-US')} lines in ${workspace.files} files (${workspace.metrics} metrics, ${workspace.segments} segments, ${workspace.offers} offers)` : '',
    table([
      ['command', 'median ms', 'min ms', 'target ms', 'exit', 'ok'],
      ...(['node', 'check', 'compile', 'recompile', 'test'] as const).map((key) => {
        const r = results.throughput[key];
        const name = key === 'node' ? 'node -e 0' : key === 'recompile' ? 'seg compile (recompile)' : key === 'test' ? 'seg test examples/retail' : `seg ${key}`;
        const ok = r.withinTarget === null ? '—' : r.withinTarget ? 'yes' : 'NO';
        return [name, r.medianMs ?? Number.NaN, r.minMs ?? Number.NaN, r.targetMs ?? '—', r.exit === null ? '—' : String(r.exit), ok];
      }),
    ]),
    `Results written to ${RESULTS}; the SQL of both sides is in ${SQL_DIR}`,
  ];
  console.log(lines.filter((l) => l !== '').join('\n'));

  const mismatched = segments.filter((s) => s.countsMatch === false);
  if (mismatched.length > 0) {
    throw new Error(`Compiled and hand-written counts differ for: ${mismatched.map((s) => `${s.segment} (${s.count} vs ${s.referenceCount})`).join(', ')}`);
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
