import { compilePlan } from '@seg/compiler';
import { ensureRuntimeTables, explainArbitration, explainPlan, explainSegment, planExplanationText, segmentExplanationText } from '@seg/runtime';
import type { Command } from '../command';
import { stringFlag } from '../cli-args';
import { asOfFromFlag } from '../as-of';
import { UsageError } from '../usage-error';
import { openDatabase, requireCheckedWorkspace } from '../workspace-session';
import { requireAudienceRule } from '../rule-name';

export const explainCommand: Command = {
  name: 'explain',
  usage: 'seg explain KEY SEGMENT|PLAN [DIR] [--db URL] [--as-of DATE]',
  summary: 'why one customer is or is not in a segment, condition by condition; for a plan, offer by offer',
  flags: { db: 'value', 'as-of': 'value' },
  async run(args, io) {
    const [key, name, dir, extra] = args.positionals;
    if (!key || !name || extra !== undefined) throw new UsageError('seg explain takes a customer key, a segment or plan name, and an optional folder');
    const { loaded, workspace } = requireCheckedWorkspace(dir, io);
    const kind = requireAudienceRule(workspace, name);
    const asOf = asOfFromFlag(stringFlag(args, 'as-of'), workspace.timezone);
    const db = await openDatabase(loaded, stringFlag(args, 'db'), io);
    try {
      // A plan's audience may read the run history (`entered(…)`): make sure its tables exist.
      if (kind === 'plan') await ensureRuntimeTables(db, workspace);
      if (kind === 'segment') {
        const explanation = await explainSegment(db, workspace, name, key, asOf);
        io.stdout(segmentExplanationText(workspace, name, explanation, asOf));
        return explanation.found ? 0 : 1;
      }
      const explanation = await explainPlan(db, workspace, name, key, asOf);
      // The arbitration weighs every customer at once (caps): a dry run of the plan, rolled back.
      const arbitration = explanation.member && !explanation.heldOut ? await explainArbitration(db, compilePlan(workspace, name, db.dialect), key, asOf) : undefined;
      io.stdout(planExplanationText(workspace, name, explanation, arbitration, asOf));
      return explanation.found ? 0 : 1;
    } finally {
      await db.close();
    }
  },
};
