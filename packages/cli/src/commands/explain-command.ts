import { compilePlan } from '@seg/compiler';
import { ensureRuntimeTables, explainArbitration, explainPlan, explainSegment, type ExplainedCondition } from '@seg/runtime';
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
    const when = `as of ${asOf.toISOString()}`;
    try {
      // A plan's audience may read the run history (`entered(…)`): make sure its tables exist.
      if (kind === 'plan') await ensureRuntimeTables(db, workspace);
      if (kind === 'segment') {
        const explanation = await explainSegment(db, workspace, name, key, asOf);
        if (!explanation.found) return notFound(key, workspace.model.audience, io.stdout);
        const label = workspace.segments[name]!.label;
        io.stdout(`${key} is ${explanation.member ? '' : 'not '}in ${name}${label ? ` "${label}"` : ''} (${when})\n`);
        io.stdout(renderCondition(explanation.condition, 1));
        return 0;
      }
      const explanation = await explainPlan(db, workspace, name, key, asOf);
      if (!explanation.found) return notFound(key, workspace.model.audience, io.stdout);
      io.stdout(`${key} is ${explanation.member ? '' : 'not '}in the audience of plan ${name} (${when})\n`);
      io.stdout(renderCondition(explanation.condition, 1));
      if (!explanation.member) return 0;
      if (explanation.heldOut) {
        io.stdout(`${key} is in the holdout (control group): never contacted by this plan.\n`);
        return 0;
      }
      io.stdout('Offers, one by one:\n');
      for (const offer of explanation.offers) {
        const title = `${offer.offer}${offer.label ? ` "${offer.label}"` : ''}`;
        if (offer.excludedBecause) io.stdout(`  ✗ ${title}: ${offer.excludedBecause}\n`);
        else io.stdout(`  ✓ ${title}: eligible, score ${show(offer.score)}, value ${show(offer.value)}\n`);
        if (offer.eligible && !offer.eligible.holds) io.stdout(renderCondition(offer.eligible, 2));
      }
      // The arbitration weighs every customer at once (caps): a dry run of the plan, rolled back.
      const outcome = await explainArbitration(db, compilePlan(workspace, name, db.dialect), key, asOf);
      if (outcome.suppressed) {
        io.stdout(`${key} is suppressed by the plan's contact rule this run: no offers.\n`);
        return 0;
      }
      io.stdout(`After arbitration across all customers (top ${workspace.plans[name]!.top}${perCategoryText(workspace.plans[name]!.perCategory)}, caps):\n`);
      if (outcome.outcomes.length === 0) io.stdout('  no offer is a candidate for this customer.\n');
      for (const o of outcome.outcomes) {
        io.stdout(o.rank !== null ? `  ${o.rank}. ${o.offer}  score ${show(o.score)}\n` : `  –  ${o.offer}  score ${show(o.score)}: ${o.notChosenBecause}\n`);
      }
      return 0;
    } finally {
      await db.close();
    }
  },
};

function perCategoryText(perCategory: number | null | undefined): string {
  return perCategory ? `, at most ${perCategory} per category` : '';
}

function notFound(key: string, audience: string, out: (text: string) => void): number {
  out(`${key} is not a key of ${audience}.\n`);
  return 1;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'missing';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(4).replace(/0+$/, '');
  return String(value);
}

function renderCondition(condition: ExplainedCondition, depth: number): string {
  const values = condition.values.length > 0 ? `    [${condition.values.map((v) => `${v.text} = ${show(v.value)}`).join(', ')}]` : '';
  const line = `${'  '.repeat(depth)}${condition.holds ? '✓' : '✗'} ${condition.text}${values}\n`;
  return line + condition.children.map((c) => renderCondition(c, depth + 1)).join('');
}
