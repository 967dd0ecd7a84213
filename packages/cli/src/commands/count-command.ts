import { compileCount } from '@seg/compiler';
import { ensureRuntimeTables } from '@seg/runtime';
import type { Command } from '../command';
import { stringFlag } from '../cli-args';
import { asOfFromFlag } from '../as-of';
import { UsageError } from '../usage-error';
import { openDatabase, requireCheckedWorkspace } from '../workspace-session';
import { requireAudienceRule } from '../rule-name';
import { runCompiled } from '../run-compiled';

export const countCommand: Command = {
  name: 'count',
  usage: 'seg count SEGMENT|PLAN [DIR] [--db URL] [--as-of DATE] [--json]',
  summary: "audience size of a segment (or a plan's audience) on a database",
  flags: { db: 'value', 'as-of': 'value', json: 'switch' },
  async run(args, io) {
    const [name, dir, extra] = args.positionals;
    if (!name || extra !== undefined) throw new UsageError('seg count takes a segment or plan name and an optional folder');
    const { loaded, workspace } = requireCheckedWorkspace(dir, io);
    const kind = requireAudienceRule(workspace, name);
    const asOf = asOfFromFlag(stringFlag(args, 'as-of'), workspace.timezone);
    const db = await openDatabase(loaded, stringFlag(args, 'db'), io);
    try {
      // A plan's audience may read the run history (`entered(…)`): make sure its tables exist.
      if (kind === 'plan') await ensureRuntimeTables(db, workspace);
      const query = compileCount(workspace, name, db.dialect);
      const [row] = await runCompiled<{ count: number; audience: number }>(db, query, { asOf, timeZone: workspace.timezone });
      const count = Number(row?.count ?? 0);
      const audience = Number(row?.audience ?? 0);
      if (args.flags.json === true) {
        io.stdout(`${JSON.stringify({ name, count, audience, asOf: asOf.toISOString() })}\n`);
      } else {
        const share = audience > 0 ? ` · ${((100 * count) / audience).toFixed(1)} % of ${audience.toLocaleString('en-US')}` : '';
        io.stdout(`${name}: ${count.toLocaleString('en-US')} ${workspace.model.audience}${share} (as of ${asOf.toISOString()})\n`);
      }
      return 0;
    } finally {
      await db.close();
    }
  },
};
