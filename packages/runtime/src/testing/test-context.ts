/**
 * What evaluating one test's expectations shares: its database and as-of time,
 * the workspace's compiled SQL (compiled once per run, not per test), and the
 * plan dry runs already made for this test.
 */
import type { CheckedWorkspace, TestDef } from '@seg/core';
import { bindParameters, compileMetric, compilePlan, compileSegment, compileStrategy, type CompiledQuery, type RankingPlan } from '@seg/compiler';
import type { Database, Dialect, Row } from '../db/database';
import { explainArbitration, type ArbitrationExplanation } from '../explain/explain-arbitration';

/** The workspace's queries and ranking plans for one engine, compiled on first use. */
export class CompiledRules {
  private readonly queries = new Map<string, CompiledQuery>();
  private readonly plans = new Map<string, RankingPlan>();

  constructor(
    readonly ws: CheckedWorkspace,
    readonly dialect: Dialect,
  ) {}

  /** Members of a segment or of a plan's audience (column `key`). */
  members(name: string): CompiledQuery {
    return this.query(`members:${name}`, () => compileSegment(this.ws, name, this.dialect));
  }

  metric(name: string): CompiledQuery {
    return this.query(`metric:${name}`, () => compileMetric(this.ws, name, this.dialect));
  }

  strategy(name: string): CompiledQuery {
    return this.query(`strategy:${name}`, () => compileStrategy(this.ws, name, this.dialect));
  }

  plan(name: string): RankingPlan {
    let plan = this.plans.get(name);
    if (!plan) this.plans.set(name, (plan = compilePlan(this.ws, name, this.dialect)));
    return plan;
  }

  private query(id: string, compile: () => CompiledQuery): CompiledQuery {
    let query = this.queries.get(id);
    if (!query) this.queries.set(id, (query = compile()));
    return query;
  }
}

export class TestContext {
  private readonly runs = new Map<string, Promise<ArbitrationExplanation>>();
  /** Plans whose holdout the test asks about (`expect "c9" in holdout of P`): those run with their holdout. */
  private readonly holdoutPlans: ReadonlySet<string>;

  constructor(
    readonly db: Database,
    readonly compiled: CompiledRules,
    readonly test: TestDef,
  ) {
    this.holdoutPlans = new Set(test.expectations.flatMap((e) => (e.kind === 'membership' && e.holdout ? [e.target] : [])));
  }

  get ws(): CheckedWorkspace {
    return this.compiled.ws;
  }

  get asOf(): Date {
    return new Date(this.test.asOf);
  }

  /** Rows of a compiled query as of the test's time. */
  query(compiled: CompiledQuery): Promise<Row[]> {
    return this.db.query(compiled.sql, bindParameters(compiled.parameters, { asOf: this.asOf, timeZone: this.ws.timezone }));
  }

  /** Whether the plan runs with its holdout in this test. */
  appliesHoldout(plan: string): boolean {
    return this.holdoutPlans.has(plan);
  }

  /** The plan run as of the test's time (a dry run, rolled back), seen from one customer. */
  planRun(plan: string, key: string): Promise<ArbitrationExplanation> {
    const id = `${plan}\u0000${key}`;
    let run = this.runs.get(id);
    if (!run) {
      run = explainArbitration(this.db, this.compiled.plan(plan), key, this.asOf, { ignoreHoldout: !this.appliesHoldout(plan) });
      this.runs.set(id, run);
    }
    return run;
  }
}
