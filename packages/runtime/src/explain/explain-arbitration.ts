/**
 * For `seg explain KEY PLAN`: what the plan's arbitration does for one customer.
 * The plan runs as a dry run (every stage up to arbitration, then rolled back),
 * so caps and the other customers count exactly as in a real run as of that
 * time; then each of the customer's candidates is either chosen (with its rank)
 * or given the limit that kept it out.
 */
import type { RankingPlan } from '@seg/compiler';
import type { Database, Row } from '../db/database';
import { inspectPlanRun } from '../run/run-plan';
import type { RunSession } from '../run/run-session';
import { bound, quoteIdentifier as q } from '../run/sql-text';
import { WORK_TABLES } from '../run/work-tables';

export interface OfferOutcome {
  /** The offer; a family's offers as `family:key`. */
  readonly offer: string;
  readonly category: string | null;
  /** The score the arbitration compared (rank by × boosts). */
  readonly score: number;
  /** 1, 2, … when chosen. */
  readonly rank: number | null;
  /** Why it was not chosen; null when it was. */
  readonly notChosenBecause: string | null;
}

export interface ArbitrationExplanation {
  /** Not in the plan's audience as of that time: nothing below applies. */
  readonly inAudience: boolean;
  readonly heldOut: boolean;
  /** Kept from this run by the plan's `suppress` rule. */
  readonly suppressed: boolean;
  /** Every offer the customer was a candidate for, chosen first (by rank), then by score. */
  readonly outcomes: readonly OfferOutcome[];
}

/** `ignoreHoldout`: run the plan without its holdout draw, as `seg test` does unless a test asks about the holdout. */
export async function explainArbitration(db: Database, plan: RankingPlan, key: string, asOf: Date, options: { readonly ignoreHoldout?: boolean } = {}): Promise<ArbitrationExplanation> {
  let facts: Row | undefined;
  let candidates: Row[] = [];
  return inspectPlanRun(db, plan, { asOf, ...(options.ignoreHoldout ? { ignoreHoldout: true } : {}) }, {
    beforeArbitration: async (session) => {
      const keyType = plan.tables.audience.keyType;
      [facts] = await select(session, (p) => `select ${q('run:holdout')} as held, ${q('run:suppressed')} as suppressed from ${q(plan.tables.facts)} where ${q('run:key')} = ${p(key, keyType)}`);
      candidates = await select(session, (p) => `select offer, category, score, cap from ${q(plan.tables.candidates)} where customer_key = ${p(key, keyType)}`);
    },
    afterArbitration: async (session) => {
      if (!facts) return { inAudience: false, heldOut: false, suppressed: false, outcomes: [] };
      return { inAudience: true, heldOut: truthy(facts.held), suppressed: truthy(facts.suppressed), outcomes: await outcomesOf(session, key, candidates) };
    },
  });
}

const select = (session: RunSession, build: Parameters<typeof bound>[1]) => session.query(bound(session.dialect, build), 'explain');

async function outcomesOf(session: RunSession, key: string, candidates: readonly Row[]): Promise<OfferOutcome[]> {
  const { plan } = session;
  const keyType = plan.tables.audience.keyType;
  const chosen = await select(session, (p) => `select offer, category, score, ${q('rank')} as r from ${q(WORK_TABLES.assignments)} where customer_key = ${p(key, keyType)}`);
  const given = new Map<string, number>();
  for (const row of await select(session, () => `select offer, count(*) as n from ${q(WORK_TABLES.assignments)} group by offer`)) given.set(String(row.offer), Number(row.n));

  const rankOf = new Map(chosen.map((row) => [String(row.offer), Number(row.r)]));
  const { top, perCategory } = plan.arbitration;
  const outcomes = candidates.map((row): OfferOutcome => {
    const offer = String(row.offer);
    const category = row.category === null || row.category === undefined ? null : String(row.category);
    const score = Number(row.score);
    const rank = rankOf.get(offer) ?? null;
    let because: string | null = null;
    if (rank === null) {
      const cap = row.cap === null || row.cap === undefined ? null : Math.floor(Number(row.cap));
      // Only offers ahead of it in the arbitration's order (score, then offer name) can have kept it out.
      const ahead = chosen.filter((c) => Number(c.score) > score || (Number(c.score) === score && String(c.offer) < offer));
      const sameCategory = ahead.filter((c) => category !== null && c.category === category);
      if (ahead.length >= top) because = `ranked below the top ${top}: ${list(ahead)} were chosen`;
      else if (perCategory !== null && category !== null && sameCategory.length >= perCategory) {
        because = `at most ${perCategory} per category: ${list(sameCategory)} already take ${category}`;
      } else if (cap !== null && (given.get(offer) ?? 0) >= cap) because = `its cap of ${cap.toLocaleString('en-US')} was used up by other customers`;
      else because = 'not chosen by the arbitration';
    }
    return { offer, category, score, rank, notChosenBecause: because };
  });
  return outcomes.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || b.score - a.score || (a.offer < b.offer ? -1 : 1));
}

const truthy = (value: unknown) => value === true || value === 1 || value === '1' || value === 't';
const list = (rows: readonly Record<string, unknown>[]) =>
  rows
    .map((r) => String(r.offer))
    .sort()
    .join(', ');
