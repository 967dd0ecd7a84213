import type { CheckedWorkspace } from '@seg/core';
import { bindParameters, compilePlan, type RankingPlan } from '@seg/compiler';
import type { Database } from '../db/database';

/** The plan setup statements that create the runtime's own permanent tables and their indexes (idempotent). */
const PERMANENT_TABLES = new Set(['create:contacts', 'create:memberships', 'index:contacts', 'index:memberships']);

/**
 * Creates the tables the runtime keeps in the user's database (contact history,
 * segment membership history) if they are missing, using the same DDL the
 * ranking plans carry, so a plan's audience (`entered(…)`, `left(…)`) can be
 * counted before its first run.
 */
export async function ensureRuntimeTables(db: Database, ws: CheckedWorkspace, compiled?: (plan: string) => RankingPlan): Promise<void> {
  const [first] = Object.keys(ws.plans);
  if (!first) return;
  // `compiled`: a caller that creates these tables often (`seg test`, once per test) compiles the plan once.
  const plan = compiled ? compiled(first) : compilePlan(ws, first, db.dialect);
  for (const stage of plan.stages) {
    for (const statement of stage.statements) {
      if (!PERMANENT_TABLES.has(statement.id)) continue;
      await db.query(statement.sql, bindParameters(statement.parameters, { asOf: new Date(0), timeZone: ws.timezone }));
    }
  }
}
