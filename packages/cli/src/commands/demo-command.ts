import { relative } from 'node:path';
import { parseAsOf, type CheckedWorkspace } from '@seg/core';
import { compileCount, compileStrategy } from '@seg/compiler';
import { applyWorkspaceSettings, connect, DEFAULT_AS_OF, ensureRuntimeTables, generateRetail, type Database } from '@seg/runtime';
import type { Command } from '../command';
import type { CliIo } from '../cli-io';
import { stringFlag } from '../cli-args';
import { bundledExample } from '../bundled-example';
import { UsageError } from '../usage-error';
import { requireCheckedWorkspace } from '../workspace-session';
import { runCompiled } from '../run-compiled';
import { progressLine } from '../progress-line';

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
      await reportPlanAudiences(db, workspace, asOf, io);
      io.stdout(`\nTry: pnpm seg count dormant ${relative(io.cwd, example) || example} --db ${url} --as-of ${DEFAULT_AS_OF}\n`);
      return 0;
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

function table(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `  ${r.map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd()).join('\n');
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

async function reportPlanAudiences(db: Database, workspace: CheckedWorkspace, asOf: Date, io: CliIo): Promise<void> {
  const rows: string[][] = [['plan', 'audience', 'share', 'holdout', 'offers']];
  for (const plan of Object.values(workspace.plans)) {
    const { count, audience } = await countOf(db, workspace, plan.name, asOf);
    rows.push([plan.name, count.toLocaleString('en-US'), percent(count, audience), `${Math.round(plan.holdout * 100)} %`, String(plan.offers.length)]);
  }
  io.stdout(`Plans\n${table(rows, new Set([1, 2, 3, 4]))}\n`);
}
