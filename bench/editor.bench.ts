/**
 * `pnpm bench`, editor: how quickly does `seg lsp` answer while someone types,
 * on a generated workspace of ~5,000 lines (support/generate-workspace.ts)?
 *
 * The real server process (the CLI bundle) over stdio, as an editor speaks to
 * it. Every file is opened; then, in one area file, edits alternate between
 * breaking a segment reference and fixing it (each a full re-check of the
 * workspace), timed from the `didChange` until the diagnostics that answer that
 * version arrive. Completion is timed at the start of a condition (every name
 * in scope) and inside an aggregate (the event table's fields). The server's
 * peak and final memory are read from /proc.
 *
 * Targets (issue 4): diagnostics p95 ≤ 50 ms, completion p95 ≤ 20 ms.
 * Knobs: SEG_BENCH_EDITOR_LINES (5000), SEG_BENCH_EDITOR_EDITS (200).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { LspSession } from '../packages/language-server/test/support/lsp-session';
import { prepareCli } from './support/cli-build';
import { writeLargeWorkspace, type GeneratedWorkspace } from './support/generate-workspace';
import { machine, mergeJson, table } from './support/report';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LINES = Number(process.env.SEG_BENCH_EDITOR_LINES ?? 5_000);
const EDITS = Number(process.env.SEG_BENCH_EDITOR_EDITS ?? 200);
const RESULTS = join(ROOT, '.bench/results.json');
const EDIT_FILE = 'area-002.seg';

let workspace: GeneratedWorkspace;
let session: LspSession;
let original = '';
let broken = '';
let startedMs = 0;
const WARMUP = 10;
const diagnosticsMs: number[] = [];
const completionMs: Record<string, number[]> = { names: [], fields: [] };
let completionCounts: Record<string, number> = {};

beforeAll(async () => {
  const cli = prepareCli(ROOT);
  if (!cli.ready) throw new Error(cli.reason);
  workspace = writeLargeWorkspace(join(ROOT, '.bench/editor-workspace'), join(ROOT, 'examples/retail'), LINES);
  const started = performance.now();
  session = await LspSession.start({ root: workspace.dir, completionItemDefaults: true });
  for (const file of segFiles(workspace.dir)) await session.open(file);
  await session.diagnosticsFor(EDIT_FILE);
  startedMs = performance.now() - started;
  original = readFileSync(join(workspace.dir, EDIT_FILE), 'utf8');
  // The first reference to an earlier area's segment, misspelt: every edit re-checks the workspace and reports it.
  const reference = /\ba1_segment_\d+\b/.exec(original);
  if (!reference) throw new Error(`${EDIT_FILE} has no reference to area 1`);
  broken = original.slice(0, reference.index) + `${reference[0]}x` + original.slice(reference.index + reference[0].length);
});

afterAll(async () => {
  const memory = session ? serverMemory(session.process.pid!) : undefined;
  await session?.stop();
  report(memory);
});

describe(`seg lsp on a ${LINES.toLocaleString('en-US')}-line workspace`, () => {
  let edit = 0;
  bench(
    'diagnostics after an edit',
    async () => {
      const wrong = edit++ % 2 === 0;
      const sent = performance.now();
      const version = await session.replace(EDIT_FILE, wrong ? broken : original);
      const diagnostics = await session.diagnosticsOfVersion(EDIT_FILE, version);
      if (edit > WARMUP) diagnosticsMs.push(performance.now() - sent);
      if (wrong !== diagnostics.length > 0) throw new Error(`edit ${edit}: expected ${wrong ? 'an error' : 'none'}, got ${JSON.stringify(diagnostics)}`);
    },
    { iterations: EDITS, warmupIterations: WARMUP, time: 0, warmupTime: 0 },
  );

  // Where a condition of an `all of` block starts (every name in scope), and inside an aggregate's `where` (the event's fields).
  const asked: Record<string, number> = {};
  for (const [kind, before] of [
    ['names', '  all of {\n    '],
    ['fields', 'count(orders in last 180 days where '],
  ] as const) {
    bench(
      `completion (${kind})`,
      async () => {
        await session.replace(EDIT_FILE, original);
        const found = original.indexOf(before);
        if (found < 0) throw new Error(`no "${before}" in ${EDIT_FILE}`);
        const at = found + before.length;
        const lines = original.slice(0, at).split('\n');
        const position = { line: lines.length - 1, character: lines.at(-1)!.length };
        const sent = performance.now();
        const result = await session.request<{ items?: unknown[] } | unknown[] | null>('textDocument/completion', { textDocument: { uri: session.uri(EDIT_FILE) }, position });
        if ((asked[kind] = (asked[kind] ?? 0) + 1) > WARMUP) completionMs[kind]!.push(performance.now() - sent);
        completionCounts = { ...completionCounts, [kind]: Array.isArray(result) ? result.length : (result?.items?.length ?? 0) };
      },
      { iterations: EDITS, warmupIterations: WARMUP, time: 0, warmupTime: 0 },
    );
  }
});

function segFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.seg')).sort();
}

/** Peak and current resident memory of the server process (Linux /proc), MiB. */
function serverMemory(pid: number): { peakMiB: number; currentMiB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { peakMiB: Math.round(kib('VmHWM') / 102.4) / 10, currentMiB: Math.round(kib('VmRSS') / 102.4) / 10 };
  } catch {
    return undefined;
  }
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 10) / 10;
}

function report(memory: { peakMiB: number; currentMiB: number } | undefined): void {
  const host = machine();
  const row = (name: string, samples: readonly number[], target: number) => [name, samples.length, percentile(samples, 50), percentile(samples, 95), percentile(samples, 99), `≤ ${target}`];
  const results = {
    date: new Date().toISOString(),
    machine: host,
    workspace: { lines: workspace?.lines, files: workspace?.files, metrics: workspace?.metrics, segments: workspace?.segments, offers: workspace?.offers },
    startMs: Math.round(startedMs),
    diagnostics: { samples: diagnosticsMs.length, p50: percentile(diagnosticsMs, 50), p95: percentile(diagnosticsMs, 95), p99: percentile(diagnosticsMs, 99) },
    completion: Object.fromEntries(Object.entries(completionMs).map(([k, v]) => [k, { samples: v.length, p50: percentile(v, 50), p95: percentile(v, 95), p99: percentile(v, 99), items: completionCounts[k] }])),
    serverMemory: memory ?? null,
  };
  mergeJson(RESULTS, { editor: results });
  console.log(
    [
      '',
      `Editor — seg lsp on ${workspace?.lines.toLocaleString('en-US')} lines in ${workspace?.files} files; ${host.cpu}, ${host.cores} cores, Node ${host.node}, load ${host.loadAverage}`,
      `Start-up to first diagnostics with every file open: ${Math.round(startedMs)} ms; server memory: peak ${memory?.peakMiB ?? '—'} MiB, at the end ${memory?.currentMiB ?? '—'} MiB`,
      table([
        ['request', 'samples', 'p50 ms', 'p95 ms', 'p99 ms', 'target p95'],
        row('diagnostics after an edit', diagnosticsMs, 50),
        row(`completion, names (${completionCounts.names ?? 0} items)`, completionMs.names!, 20),
        row(`completion, fields (${completionCounts.fields ?? 0} items)`, completionMs.fields!, 20),
      ]),
      `Results written to ${RESULTS} (key "editor")`,
    ].join('\n'),
  );
}
