import { closestName, type CheckedWorkspace } from '@seg/core';
import { compilePlan } from '@seg/compiler';
import { runPlanLocked, type RunProgress, type RunRecord } from '@seg/runtime';
import type { Command } from '../command';
import type { CliIo } from '../cli-io';
import { stringFlag } from '../cli-args';
import { asOfFromFlag } from '../as-of';
import { progressLine } from '../progress-line';
import { textTable } from '../text-table';
import { UsageError } from '../usage-error';
import { openDatabase, requireCheckedWorkspace } from '../workspace-session';

/** Offers listed in the summary; the rest are summed up. */
const TOP_OFFERS = 5;

export const runCommand: Command = {
  name: 'run',
  usage: 'seg run PLAN [DIR] [--db URL] [--as-of DATE] [--json]',
  summary: 'execute one plan once, atomically, and record the run',
  flags: { db: 'value', 'as-of': 'value', json: 'switch' },
  async run(args, io) {
    const [name, dir, extra] = args.positionals;
    if (!name || extra !== undefined) throw new UsageError('seg run takes a plan name and an optional folder');
    const { loaded, workspace } = requireCheckedWorkspace(dir, io);
    requirePlan(workspace, name);
    const asOf = asOfFromFlag(stringFlag(args, 'as-of'), workspace.timezone);
    const db = await openDatabase(loaded, stringFlag(args, 'db'), io);
    // Ctrl-C stops the run before its next statement; it is rolled back and recorded as cancelled.
    const cancel = new AbortController();
    const onSignal = () => {
      // `once`: a second signal finds no listener and ends the process at once.
      io.stderr(`\nseg run: stopping ${name} before its next statement (again to quit now)\n`);
      cancel.abort();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const plan = compilePlan(workspace, name, db.dialect);
      const progress = progressLine(io);
      // The plan's lock: never two runs of one plan at once (a scheduler may be running it).
      const record = await runPlanLocked(db, plan, {
        asOf,
        // A relative CSV path in a plan is relative to its workspace.
        cwd: loaded.root,
        signal: cancel.signal,
        onProgress: (p) => progress(progressText(name, p)),
      });
      progress('');
      if (record.status === 'busy') {
        io.stderr(`seg run: ${record.message}\n`);
        return 1;
      }
      if (args.flags.json === true) io.stdout(`${JSON.stringify(record)}\n`);
      else if (record.status !== 'failed') io.stdout(summary(record));
      if (record.status === 'failed') {
        io.stderr(`seg run: ${name} failed: ${record.error ?? 'unknown error'} (recorded as run ${record.runId})\n`);
        return 1;
      }
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await db.close();
    }
  },
};

function requirePlan(workspace: CheckedWorkspace, name: string): void {
  if (workspace.plans[name]) return;
  const guess = closestName(name, Object.keys(workspace.plans));
  throw new UsageError(`no plan named "${name}"${guess ? `; did you mean "${guess}"?` : ''}`);
}

function progressText(plan: string, p: RunProgress): string {
  const count = p.total > 0 ? ` ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')}` : '';
  return `${plan}: ${p.stage}${count}${p.message ? ` · ${p.message}` : ''}`.slice(0, 120);
}

const n = (value: number) => value.toLocaleString('en-US');

function summary(record: RunRecord): string {
  const seconds = record.finishedAt ? ` in ${((Date.parse(record.finishedAt) - Date.parse(record.startedAt)) / 1000).toFixed(1)} s` : '';
  const offers = Object.entries(record.offers);
  const top = offers.slice(0, TOP_OFFERS).map(([offer, count]) => `${offer} ${n(count)}`);
  if (offers.length > TOP_OFFERS) top.push(`${offers.length - TOP_OFFERS} more`);
  const output = record.output.kind === 'none' ? 'none (the plan has no output)' : `${record.output.kind} ${record.output.target ?? ''}`.trim();
  const lines = textTable(
    [
      ['audience', n(record.audience)],
      ['holdout', n(record.holdout)],
      ['suppressed', n(record.suppressed)],
      ['rows', n(record.rows)],
      ['top offers', top.length > 0 ? top.join(' · ') : '–'],
      ['output', output],
    ].map(([label, value]) => [`  ${label}`, value!]),
  );
  return `${record.plan} as of ${record.asOf}: ${record.status}${seconds} (run ${record.runId})\n${lines}\n`;
}
