import { relative } from 'node:path';
import { parseAsOf, type CheckedWorkspace } from '@seg/core';
import { compileCount, compilePlan, compileStrategy } from '@seg/compiler';
import { applyWorkspaceSettings, connect, DEFAULT_AS_OF, ensureRuntimeTables, generateRetail, runPlan, type Database, type RunRecord } from '@seg/runtime';
import type { Command } from '../command';
import type { CliIo } from '../cli-io';
import { stringFlag } from '../cli-args';
import { bundledExample } from '../bundled-example';
import { UsageError } from '../usage-error';
import { requireCheckedWorkspace } from '../workspace-session';
import { runCompiled } from '../run-compiled';
import { progressLine } from '../progress-line';
import { textTable } from '../text-table';

const DEFAULT_CUSTOMERS = 50_000;

export const demoCommand: Command = {
  name: 'demo',
  usage: 'seg demo [--customers N] [--db URL] [--seed N]',
  summary: 'build a realistic demo database, run the retail example on it and report',
  flags: { customers: 'value', db: 'value', seed: 'value' },
  async run(args, io) {
    if (args.positionals.length > 0) throw new UsageError('seg demo takes no folder: it uses the bundled retail example');
    const customers = wholeNumberFlag(stringFlag(args, 'customers'), DEFAULT_CUSTOMERS, 'customers');
    const seed = wholeNumberFlag(stringFlag(args, 'seed'), 42, 'seed');
    const url = stringFlag(args, 'db') ?? io.env.SEG_DATABASE_URL ?? 'sqlite:seg-demo.db';
    const example = bundledExample('retail');
    // The generator writes every timestamp as ISO-8601 UTC seconds; saying so lets SQLite use its indexes.
    const workspace = applyWorkspaceSettings(requireCheckedWorkspace(example, io).workspace, { timestamps: 'iso-utc-seconds' });
    const asOf = parseAsOf(DEFAULT_AS_OF, workspace.timezone);

    const db = await connect(url);
    try {
      const started = Date.now();
      const progress = progressLine(io);
      const counts = await generateRetail(db, {
        customers,
        seed,
        asOf: DEFAULT_AS_OF,
        replace: true,
        onProgress: (done, total) => progress(`Building the demo database: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} customers`),
      });
      progress('');
      await ensureRuntimeTables(db, workspace);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      io.stdout(`Seg demo: the retail example (${relative(io.cwd, example) || example}) as of ${DEFAULT_AS_OF}\n`);
      io.stdout(`Built ${url} in ${seconds} s: ${describeCounts(counts)}.\n\n`);
      await reportSegments(db, workspace, asOf, io);
      await reportStrategies(db, workspace, asOf, io);
      const runs = await runPlans(db, workspace, asOf, io, progress);
      reportRuns(runs, io);
      const folder = relative(io.cwd, example) || example;
      io.stdout(`\nTry: pnpm seg runs ${folder} --db ${url}\n`);
      io.stdout(`     pnpm seg explain <customer> weekly_email ${folder} --db ${url} --as-of ${DEFAULT_AS_OF}\n`);
      return runs.some((r) => r.status === 'failed') ? 1 : 0;
    } finally {
      await db.close();
    }
  },
};

function wholeNumberFlag(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(parsed) || parsed < 1) throw new UsageError(`--${name} must be a whole number ≥ 1, not "${value}"`);
  return parsed;
}

function describeCounts(counts: object): string {
  return Object.entries(counts)
    .filter(([, n]) => typeof n === 'number')
    .map(([table, n]) => `${(n as number).toLocaleString('en-US')} ${table.replace(/([A-Z])/g, ' $1').toLowerCase()}`)
    .join(' · ');
}

async function countOf(db: Database, workspace: CheckedWorkspace, name: string, asOf: Date): Promise<{ count: number; audience: number }> {
  const [row] = await runCompiled<{ count: number; audience: number }>(db, compileCount(workspace, name, db.dialect), { asOf, timeZone: workspace.timezone });
  return { count: Number(row?.count ?? 0), audience: Number(row?.audience ?? 0) };
}

/** Indented, aligned columns. */
function table(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string {
  return textTable(rows, rightAligned)
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

const percent = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '–');

async function reportSegments(db: Database, workspace: CheckedWorkspace, asOf: Date, io: CliIo): Promise<void> {
  const rows: string[][] = [['segment', 'members', 'share', '']];
  for (const segment of Object.values(workspace.segments)) {
    const { count, audience } = await countOf(db, workspace, segment.name, asOf);
    rows.push([segment.name, count.toLocaleString('en-US'), percent(count, audience), segment.label ?? '']);
  }
  io.stdout(`Segments\n${table(rows, new Set([1, 2]))}\n\n`);
}

async function reportStrategies(db: Database, workspace: CheckedWorkspace, asOf: Date, io: CliIo): Promise<void> {
  for (const strategy of Object.values(workspace.strategies)) {
    const members = await runCompiled<{ primary: string; secondary: string }>(db, compileStrategy(workspace, strategy.name, db.dialect), {
      asOf,
      timeZone: workspace.timezone,
    });
    const mix = new Map<string, [number, number]>(strategy.outcomes.map((o) => [o, [0, 0]]));
    for (const m of members) {
      mix.get(m.primary)![0]++;
      mix.get(m.secondary)![1]++;
    }
    const rows: string[][] = [['outcome', 'primary', '', 'secondary', '']];
    for (const [outcome, [primary, secondary]] of mix) {
      rows.push([outcome, primary.toLocaleString('en-US'), percent(primary, members.length), secondary.toLocaleString('en-US'), percent(secondary, members.length)]);
    }
    io.stdout(`Strategy ${strategy.name}${strategy.label ? ` "${strategy.label}"` : ''}\n${table(rows, new Set([1, 2, 3, 4]))}\n\n`);
  }
}

/**
 * Runs every plan of the example once, as of the demo date, the way `seg run` does:
 * tables go into the demo database, CSV files under the current folder.
 */
async function runPlans(db: Database, workspace: CheckedWorkspace, asOf: Date, io: CliIo, progress: (text: string) => void): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  for (const name of Object.keys(workspace.plans)) {
    const record = await runPlan(db, compilePlan(workspace, name, db.dialect), {
      asOf,
      cwd: io.cwd,
      onProgress: (p) => progress(`Running ${name}: ${p.stage}${p.total > 0 ? ` ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')}` : ''}`),
    });
    progress('');
    records.push(record);
  }
  return records;
}

function reportRuns(runs: readonly RunRecord[], io: CliIo): void {
  const rows: string[][] = [['plan', 'audience', 'holdout', 'suppressed', 'offers', 'per customer', 'top offers']];
  for (const r of runs) {
    const reached = r.audience - r.holdout - r.suppressed;
    const top = Object.entries(r.offers)
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .slice(0, 3)
      .map(([offer, count]) => `${offer} ${count.toLocaleString('en-US')}`)
      .join(', ');
    rows.push([
      r.plan,
      r.audience.toLocaleString('en-US'),
      r.holdout.toLocaleString('en-US'),
      r.suppressed.toLocaleString('en-US'),
      r.rows.toLocaleString('en-US'),
      reached > 0 ? (r.rows / reached).toFixed(2) : '–',
      r.status === 'failed' ? `FAILED: ${r.error ?? ''}` : top || '–',
    ]);
  }
  io.stdout(`Plans, run as of ${DEFAULT_AS_OF}\n${table(rows, new Set([1, 2, 3, 4, 5]))}\n\nWhere the output went\n`);
  for (const r of runs) io.stdout(`  ${r.plan}: ${r.output.kind === 'none' ? 'nowhere (no output)' : `${r.output.kind} ${r.output.target ?? ''}`.trim()}\n`);
}
