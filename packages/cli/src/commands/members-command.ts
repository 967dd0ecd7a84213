import { compileMembers } from '@seg/compiler';
import { csvRecord, ensureRuntimeTables } from '@seg/runtime';
import type { Command } from '../command';
import { stringFlag } from '../cli-args';
import { asOfFromFlag } from '../as-of';
import { UsageError } from '../usage-error';
import { openDatabase, requireCheckedWorkspace } from '../workspace-session';
import { requireAudienceRule, requireMetrics } from '../rule-name';
import { runCompiled } from '../run-compiled';

export const membersCommand: Command = {
  name: 'members',
  usage: 'seg members SEGMENT|PLAN [DIR] [--db URL] [--as-of DATE] [--with METRIC,…]',
  summary: 'the member keys, one per line (CSV with --with)',
  flags: { db: 'value', 'as-of': 'value', with: 'value' },
  async run(args, io) {
    const [name, dir, extra] = args.positionals;
    if (!name || extra !== undefined) throw new UsageError('seg members takes a segment or plan name and an optional folder');
    const { loaded, workspace } = requireCheckedWorkspace(dir, io);
    const kind = requireAudienceRule(workspace, name);
    const metrics = (stringFlag(args, 'with') ?? '').split(',').map((m) => m.trim()).filter(Boolean);
    requireMetrics(workspace, metrics);
    const asOf = asOfFromFlag(stringFlag(args, 'as-of'), workspace.timezone);
    const db = await openDatabase(loaded, stringFlag(args, 'db'), io);
    try {
      // A plan's audience may read the run history (`entered(…)`): make sure its tables exist.
      if (kind === 'plan') await ensureRuntimeTables(db, workspace);
      const query = compileMembers(workspace, name, db.dialect, { with: metrics });
      const rows = await runCompiled<Record<string, unknown>>(db, query, { asOf, timeZone: workspace.timezone });
      if (metrics.length > 0) io.stdout(`${csvRecord(['key', ...metrics])}\n`);
      let chunk = '';
      for (const row of rows) {
        chunk += metrics.length > 0 ? `${csvRecord([row.key, ...metrics.map((m) => row[m])])}\n` : `${String(row.key)}\n`;
        if (chunk.length > 65536) {
          io.stdout(chunk);
          chunk = '';
        }
      }
      io.stdout(chunk);
      return 0;
    } finally {
      await db.close();
    }
  },
};
