import { compilePlan } from '@seg/compiler';
import { dialectOfUrl, resolveDatabaseUrl, SegUserError, startScheduler } from '@seg/runtime';
import type { Command } from '../command';
import { stringFlag } from '../cli-args';
import { durationList } from '../duration-list';
import { UsageError } from '../usage-error';
import { requireCheckedWorkspace } from '../workspace-session';

export const scheduleCommand: Command = {
  name: 'schedule',
  usage: 'seg schedule [DIR] [--db URL] [--retry 30s,2m,8m]',
  summary: 'long-running: run every plan on its schedule, until stopped',
  flags: { db: 'value', retry: 'value' },
  async run(args, io) {
    if (args.positionals.length > 1) throw new UsageError('seg schedule takes one folder');
    const retry = stringFlag(args, 'retry');
    const retryDelaysMs = retry === undefined ? undefined : durationList('retry', retry);
    const { loaded, workspace } = requireCheckedWorkspace(args.positionals[0], io);
    const url = resolveDatabaseUrl(loaded, stringFlag(args, 'db'), io.env);
    if (!url) throw new UsageError('no database: pass --db URL, set SEG_DATABASE_URL, or add "database" to seg.json');

    // Compiled from the URL alone: the database may not be reachable yet, and the scheduler waits for it.
    const dialect = dialectOfUrl(url);
    const plans = Object.keys(workspace.plans)
      .sort()
      .map((name) => compilePlan(workspace, name, dialect))
      .filter((plan) => plan.schedule !== null);
    if (plans.length === 0) throw new SegUserError('no plan has a schedule: add one, e.g. schedule "0 6 * * MON" in "Europe/London"');

    const scheduler = startScheduler({
      url,
      plans,
      log: (line) => io.stderr(`${line}\n`),
      ...(retryDelaysMs ? { retryDelaysMs } : {}),
      // A relative CSV path in a plan is relative to its workspace, as for `seg run`.
      cwd: loaded.root,
    });
    // The first signal stops cleanly (the run in progress rolls back, or finishes its last stage);
    // a second one stops at once — the database rolls back what was not committed.
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) process.exit(signal === 'SIGINT' ? 130 : 143);
      signalled = true;
      void scheduler.stop();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      await scheduler.stopped;
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
