import { describeIr, type CheckedWorkspace, type IrExpr, type MetricDef, type ScalarType } from '@seg/core';
import { bindParameters, compileMembers, isHeldOut } from '@seg/compiler';
import type { Database } from '../db/database';

/** One condition of a rule, with what it came to for one customer. */
export interface ExplainedCondition {
  /** `all of` / `any of` / `not` for groups, else the condition's text. */
  readonly text: string;
  readonly holds: boolean;
  /** The values the condition compared, e.g. `count(orders) = 3`. */
  readonly values: readonly { readonly text: string; readonly value: unknown }[];
  readonly children: readonly ExplainedCondition[];
}

export interface SegmentExplanation {
  readonly key: string;
  readonly found: boolean;
  readonly member: boolean;
  readonly condition: ExplainedCondition;
}

export interface OfferExplanation {
  readonly offer: string;
  readonly label?: string;
  /** Why the offer is out, or absent when it is a candidate for this customer. */
  readonly excludedBecause?: string;
  readonly eligible?: ExplainedCondition;
  readonly score?: unknown;
  readonly value?: unknown;
}

export interface PlanExplanation extends SegmentExplanation {
  readonly heldOut: boolean;
  readonly offers: readonly OfferExplanation[];
}

const PREFIX = 'seg_explain_';
const SEGMENT_DEPTH = 2;

/**
 * Evaluates a rule condition by condition for one customer: every condition and
 * every value it compares becomes a column of one query (as synthetic metrics),
 * so the figures shown are the ones the compiled SQL computes.
 */
class Explainer {
  private readonly metrics: Record<string, MetricDef> = {};
  private readonly order: { kind: 'metric'; name: string }[] = [];

  constructor(private readonly ws: CheckedWorkspace) {}

  /** Registers an expression to evaluate; returns its column name. */
  value(expr: IrExpr): string | undefined {
    if (expr.type === 'list' || expr.type === 'outcome' || expr.type === 'duration') return undefined;
    const name = `${PREFIX}${this.order.length}`;
    this.metrics[name] = { name, type: expr.type as ScalarType, expr, origin: { file: '', span: { start: 0, end: 0 } } };
    this.order.push({ kind: 'metric', name });
    return name;
  }

  plan(expr: IrExpr, depth = 0): PlannedCondition {
    if (expr.kind === 'and' || expr.kind === 'or') {
      return { text: expr.kind === 'and' ? 'all of' : 'any of', column: this.value(expr), values: [], children: expr.args.map((a) => this.plan(a, depth)) };
    }
    if (expr.kind === 'not') return { text: 'not', column: this.value(expr), values: [], children: [this.plan(expr.arg, depth)] };
    if (expr.kind === 'segment' && depth < SEGMENT_DEPTH) {
      const inner = this.ws.segments[expr.name]!.condition;
      return { text: `${expr.name} (segment)`, column: this.value(expr), values: [], children: [this.plan(inner, depth + 1)] };
    }
    const operands = operandsOf(expr).filter((o) => o.kind !== 'literal' && o.kind !== 'list');
    return {
      text: describeIr(expr),
      column: this.value(expr),
      values: operands.flatMap((o) => {
        const column = this.value(o);
        return column ? [{ text: describeIr(o), column }] : [];
      }),
      children: [],
    };
  }

  async evaluate(db: Database, key: string, asOf: Date): Promise<Record<string, unknown> | undefined> {
    const everyone = `${PREFIX}everyone`;
    const ws: CheckedWorkspace = {
      ...this.ws,
      metrics: { ...this.ws.metrics, ...this.metrics },
      segments: { ...this.ws.segments, [everyone]: { name: everyone, condition: { kind: 'literal', type: 'bool', value: true }, origin: { file: '', span: { start: 0, end: 0 } } } },
      evaluationOrder: [...this.ws.evaluationOrder, ...this.order, { kind: 'segment', name: everyone }],
    };
    const query = compileMembers(ws, everyone, db.dialect, { with: this.order.map((o) => o.name) });
    const rows = await db.query<Record<string, unknown>>(query.sql, bindParameters(query.parameters, { asOf, timeZone: this.ws.timezone }));
    return rows.find((row) => String(row.key) === key);
  }
}

interface PlannedCondition {
  readonly text: string;
  readonly column?: string;
  readonly values: readonly { text: string; column: string }[];
  readonly children: readonly PlannedCondition[];
}

function operandsOf(expr: IrExpr): IrExpr[] {
  switch (expr.kind) {
    case 'compare':
      return [expr.left, expr.right];
    case 'in':
      return [expr.needle];
    case 'between':
      return [expr.subject];
    case 'isMissing':
      return [expr.arg];
    case 'textMatch':
      return [expr.subject];
    case 'inWindow':
      return [expr.subject];
    default:
      return [];
  }
}

function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}

function resolve(planned: PlannedCondition, row: Record<string, unknown>): ExplainedCondition {
  return {
    text: planned.text,
    holds: planned.column ? truthy(row[planned.column]) : false,
    values: planned.values.map((v) => ({ text: v.text, value: row[v.column] ?? null })),
    children: planned.children.map((c) => resolve(c, row)),
  };
}

const NOT_FOUND: ExplainedCondition = { text: 'not in the audience table', holds: false, values: [], children: [] };

/** Why `key` is or is not in a segment, as of a time. */
export async function explainSegment(db: Database, ws: CheckedWorkspace, segment: string, key: string, asOf: Date): Promise<SegmentExplanation> {
  const explainer = new Explainer(ws);
  const planned = explainer.plan(ws.segments[segment]!.condition);
  const row = await explainer.evaluate(db, key, asOf);
  if (!row) return { key, found: false, member: false, condition: NOT_FOUND };
  const condition = resolve(planned, row);
  return { key, found: true, member: condition.holds, condition };
}

/**
 * Why `key` is or is not in a plan's audience, whether the holdout keeps them out,
 * and, offer by offer, eligibility and score. Arbitration (top N, category limits,
 * caps) happens across customers when the plan runs.
 */
export async function explainPlan(db: Database, ws: CheckedWorkspace, planName: string, key: string, asOf: Date): Promise<PlanExplanation> {
  const plan = ws.plans[planName]!;
  const explainer = new Explainer(ws);
  const audience = explainer.plan(plan.audience);
  const asOfDay = asOf.toISOString().slice(0, 10);
  const offers = plan.offers.map((name) => {
    const offer = ws.offers[name]!;
    if (offer.family) return { offer, family: true as const };
    return {
      offer,
      eligible: explainer.plan(offer.eligible),
      score: explainer.value(offer.score),
      value: explainer.value(offer.value),
    };
  });
  const row = await explainer.evaluate(db, key, asOf);
  if (!row) return { key, found: false, member: false, condition: NOT_FOUND, heldOut: false, offers: [] };
  const condition = resolve(audience, row);
  return {
    key,
    found: true,
    member: condition.holds,
    condition,
    heldOut: isHeldOut(planName, key, plan.holdout),
    offers: offers.map((entry): OfferExplanation => {
      const { offer } = entry;
      const base = { offer: offer.name, label: offer.label };
      if ('family' in entry) return { ...base, excludedBecause: `one offer per row of ${offer.family!.source}; chosen per row when the plan runs` };
      if (plan.channel && !offer.channels.includes(plan.channel)) return { ...base, excludedBecause: `not sent by ${plan.channel}` };
      if (offer.validFrom && asOfDay < offer.validFrom) return { ...base, excludedBecause: `valid from ${offer.validFrom}` };
      if (offer.validTo && asOfDay > offer.validTo) return { ...base, excludedBecause: `valid until ${offer.validTo}` };
      const eligible = resolve(entry.eligible, row);
      return {
        ...base,
        ...(eligible.holds ? {} : { excludedBecause: 'not eligible' }),
        eligible,
        score: entry.score ? row[entry.score] : undefined,
        value: entry.value ? row[entry.value] : undefined,
      };
    }),
  };
}

/** One `when … then …` (or the `else`) of a strategy block, with what its condition came to. */
export interface StrategyRuleExplanation {
  readonly outcome: string;
  /** Absent for `else`. */
  readonly condition?: ExplainedCondition;
}

export interface StrategyBlockExplanation {
  readonly rules: readonly StrategyRuleExplanation[];
  /** The outcome of the first rule that holds (the `else` when none does). */
  readonly outcome: string | null;
}

export interface StrategyExplanation {
  readonly key: string;
  readonly found: boolean;
  readonly primary: StrategyBlockExplanation;
  readonly secondary: StrategyBlockExplanation;
}

/** Why `key` gets the strategy outcomes it gets: each block's rules in order, the first that holds decides. */
export async function explainStrategy(db: Database, ws: CheckedWorkspace, strategy: string, key: string, asOf: Date): Promise<StrategyExplanation> {
  const def = ws.strategies[strategy]!;
  const explainer = new Explainer(ws);
  const plan = (rules: typeof def.primary) => rules.map((rule) => ({ outcome: rule.outcome, condition: rule.condition ? explainer.plan(rule.condition) : undefined }));
  const primary = plan(def.primary);
  const secondary = plan(def.secondary);
  const row = await explainer.evaluate(db, key, asOf);
  const block = (rules: ReturnType<typeof plan>): StrategyBlockExplanation => {
    const resolved = rules.map((rule) => ({ outcome: rule.outcome, ...(rule.condition && row ? { condition: resolve(rule.condition, row) } : {}) }));
    return { rules: resolved, outcome: row ? (resolved.find((rule) => !rule.condition || rule.condition.holds)?.outcome ?? null) : null };
  };
  return { key, found: row !== undefined, primary: block(primary), secondary: block(secondary) };
}
