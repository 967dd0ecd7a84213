import { listRuns, loadWorkspace, type RunRecord } from '@seg/runtime';
import type { Command } from '../command';
import { stringFlag } from '../cli-args';
import { textTable } from '../text-table';
import { UsageError } from '../usage-error';
import { openDatabase } from '../workspace-session';

export const runsCommand: Command = {
  name: 'runs',
  usage: 'seg runs [DIR] [--db URL] [--plan PLAN] [--limit N] [--json]',
  summary: 'the run history: plan, as-of, started, finished, status, rows, audience, holdout',
  flags: { db: 'value', plan: 'value', limit: 'value', json: 'switch' },
  async run(args, io) {
    const [dir, extra] = args.positionals;
    if (extra !== undefined) throw new UsageError('seg runs takes an optional folder');
    const limitFlag = stringFlag(args, 'limit');
    const limit = limitFlag === undefined ? 50 : Number(limitFlag);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a whole number ≥ 1, not "${limitFlag}"`);
    // Only the database is needed: no checking of the .seg files.
    const loaded = loadWorkspace(dir ?? '.', io.cwd);
    const db = await openDatabase(loaded, stringFlag(args, 'db'), io);
    try {
      const plan = stringFlag(args, 'plan');
      const runs = await listRuns(db, { limit, ...(plan !== undefined ? { plan } : {}) });
      if (args.flags.json === true) {
        io.stdout(`${JSON.stringify(runs)}\n`);
      } else if (runs.length === 0) {
        io.stdout(`No runs yet${plan !== undefined ? ` of ${plan}` : ''}.\n`);
      } else {
        io.stdout(`${runsTable(runs)}\n`);
      }
      return 0;
    } finally {
      await db.close();
    }
  },
};

/** Times to the second, UTC: the table stays narrow and sorts by eye. */
const time = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : '–');
const n = (value: number) => value.toLocaleString('en-US');

function runsTable(runs: readonly RunRecord[]): string {
  const withErrors = runs.some((r) => r.error);
  const header = ['plan', 'as of (UTC)', 'started', 'finished', 'status', 'rows', 'audience', 'holdout', ...(withErrors ? ['error'] : [])];
  const rows = runs.map((r) => [
    r.plan,
    time(r.asOf),
    time(r.startedAt),
    time(r.finishedAt),
    r.status,
    n(r.rows),
    n(r.audience),
    n(r.holdout),
    ...(withErrors ? [r.status === 'failed' || r.status === 'delivering' ? (r.error ?? '') : ''] : []),
  ]);
  return textTable([header, ...rows], new Set([5, 6, 7]));
}
