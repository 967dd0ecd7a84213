/**
 * A minimal runtime for tests: executes a ranking plan's stages in order on one
 * connection, draws the holdout and arbitrates in TypeScript with the
 * compiler's reference functions, and returns the assignments.
 */
import type { Database } from '../../../runtime/src/db/database';
import { arbitrate, bindParameters, isHeldOut, type Assignment, type BindContext, type RankingPlan } from '../../src/index';

export interface PlanRun {
  readonly audience: string[];
  readonly holdout: string[];
  readonly candidates: Record<string, unknown>[];
  readonly assignments: Assignment[];
  readonly output: Record<string, unknown>[];
  readonly uncapped: Record<string, unknown>[];
}

export async function runPlan(db: Database, plan: RankingPlan, ctx: BindContext, options: { holdout?: boolean } = {}): Promise<PlanRun> {
  const bind = (params: Parameters<typeof bindParameters>[0]) => bindParameters(params, { ...ctx, plan: plan.plan, runId: ctx.runId ?? 'run-1' });
  const stage = (name: string) => plan.stages.find((s) => s.stage === name)!;
  const result: { audience: string[]; holdout: string[]; candidates: Record<string, unknown>[]; output: Record<string, unknown>[]; uncapped: Record<string, unknown>[] } = {
    audience: [],
    holdout: [],
    candidates: [],
    output: [],
    uncapped: [],
  };
  for (const s of stage('setup').statements) await db.query(s.sql, bind(s.parameters));
  const audience = stage('audience').statements[0]!;
  const keys = (await db.query(audience.sql, bind(audience.parameters))).map((r) => String(r.key));
  result.audience = keys;
  for (const key of keys) {
    const held = options.holdout !== false && isHeldOut(plan.plan, key, plan.holdout.share);
    if (held) result.holdout.push(key);
    await db.query(plan.holdout.insert.sql, [key, db.dialect === 'sqlite' ? (held ? 1 : 0) : held]);
  }
  for (const name of ['facts', 'catalogue', 'candidates']) {
    for (const s of stage(name).statements) await db.query(s.sql, bind(s.parameters));
  }
  const [read, uncapped] = stage('arbitration').statements;
  result.candidates = await db.query(read!.sql, bind(read!.parameters));
  result.uncapped = await db.query(uncapped!.sql, bind(uncapped!.parameters));
  const output = stage('output').statements[0]!;
  result.output = await db.query(output.sql, bind(output.parameters));
  const assignments = arbitrate(
    result.candidates.map((c) => ({
      customerKey: String(c.customer_key),
      offer: String(c.offer),
      category: c.category === null ? null : String(c.category),
      score: Number(c.score),
      cap: c.cap === null ? null : Number(c.cap),
    })),
    { top: plan.arbitration.top, ...(plan.arbitration.perCategory !== null ? { perCategory: plan.arbitration.perCategory } : {}) },
  );
  for (const s of stage('cleanup').statements) await db.query(s.sql, bind(s.parameters));
  return { ...result, assignments };
}
