/**
 * The retail example compiles for every dialect, byte-identically twice, and
 * its compiled SQL answers the example's own `test` blocks on every engine
 * (segments, strategy, and the weekly plan's offers, holdout off).
 */
import { describe, expect, it } from 'vitest';
import type { CheckedWorkspace, TestDef } from '@seg/core';
import { createSchema, insertFixtures } from '../../runtime/src/fixtures';
import { testEngines } from '../../runtime/test/support/engines';
import { bindParameters, compilePlan, compileSegment, compileStrategy, compileWorkspace, compileMetric, type RankingPlan } from '../src/index';
import { runPlan } from './support/run-plan';
import { RETAIL_DIR, checked, readSegFolder } from './support/workspace';

const ws: CheckedWorkspace = checked(readSegFolder(RETAIL_DIR));

describe('compileWorkspace on the retail example', () => {
  it.each(['sqlite', 'postgres', 'duckdb'] as const)('writes the same bytes twice for %s', (dialect) => {
    const first = compileWorkspace(ws, dialect);
    const again = compileWorkspace(checked(readSegFolder(RETAIL_DIR)), dialect);
    expect(Object.keys(first)).toEqual(Object.keys(again));
    for (const path of Object.keys(first)) expect(again[path], path).toBe(first[path]);
    expect(Object.keys(first)).toEqual([
      'store_event_invite.plan.json',
      'weekly_email.plan.json',
      'winback_trigger.plan.json',
      ...Object.keys(ws.segments).sort().map((s) => `segments/${s}.sql`),
      ...Object.keys(ws.metrics).sort().map((m) => `metrics/${m}.sql`),
    ]);
    const plan = JSON.parse(first['weekly_email.plan.json']!) as RankingPlan;
    expect(plan.dialect).toBe(dialect);
    expect(plan.sourceHash).toBe(ws.sourceHash);
    expect(plan.stages.map((s) => s.stage)).toEqual(['setup', 'audience', 'holdout', 'facts', 'catalogue', 'candidates', 'arbitration', 'output', 'membership', 'cleanup']);
    expect(plan.offers.map((o) => o.name)).toEqual([...ws.plans.weekly_email!.offers]);
    expect(plan.holdout.share).toBe(0.1);
    expect(plan.arbitration).toMatchObject({ top: 8, perCategory: 2 });
    expect(plan.schedule).toEqual({ cron: '0 6 * * MON', timezone: 'Australia/Sydney' });
    // Literals never reach the SQL text (the file's header comment lists the parameters).
    const body = first['segments/baby_households.sql']!.split('\n').filter((line) => !line.startsWith('--')).join('\n');
    expect(body).not.toContain('Baby');
    expect(first['segments/baby_households.sql']).toContain('"Baby"');
    for (const stage of plan.stages) for (const s of stage.statements) expect(s.sql, s.id).not.toMatch(/'(email|Baby|Fashion)'/);
  });
});

async function expectTest(test: TestDef, engine: (typeof ENGINES)[number]): Promise<void> {
  const db = await engine.open();
  try {
    await createSchema(db, ws.model);
    const byTable: Record<string, Record<string, unknown>[]> = {};
    for (const f of test.fixtures) (byTable[f.table] ??= []).push(f.values);
    await insertFixtures(db, ws.model, byTable as never, { timeZone: ws.timezone });
    const context = { asOf: new Date(test.asOf), timeZone: ws.timezone };
    const plans = new Map<string, Awaited<ReturnType<typeof runPlan>>>();
    for (const e of test.expectations) {
      const what = `${test.title}: ${JSON.stringify(e)}`;
      if (e.kind === 'membership' && e.targetKind === 'segment') {
        const q = compileSegment(ws, e.target, db.dialect);
        const keys = (await db.query(q.sql, bindParameters(q.parameters, context))).map((r) => String(r.key));
        expect(keys.includes(e.key), what).toBe(!e.negated);
      } else if (e.kind === 'strategy') {
        const q = compileStrategy(ws, e.strategy, db.dialect);
        const row = (await db.query(q.sql, bindParameters(q.parameters, context))).find((r) => String(r.key) === e.key);
        const same = row?.primary === e.primary && (e.secondary === undefined || row?.secondary === e.secondary);
        expect(same, `${what} got ${JSON.stringify(row)}`).toBe(!e.negated);
      } else if (e.kind === 'planOffers') {
        let run = plans.get(e.plan);
        if (!run) {
          run = await runPlan(db, compilePlan(ws, e.plan, db.dialect), context, { holdout: false });
          plans.set(e.plan, run);
        }
        const offers = run.assignments.filter((a) => a.customerKey === e.key).map((a) => a.offer.split(':')[0]!);
        if (e.op === 'includes') for (const o of e.offers) expect(offers, what).toContain(o);
        if (e.op === 'excludes') for (const o of e.offers) expect(offers, what).not.toContain(o);
        if (e.op === 'isEmpty') expect(offers, what).toEqual([]);
        if (e.op === 'isNotEmpty') expect(offers.length, what).toBeGreaterThan(0);
        if (e.op === 'equals') expect(offers, what).toEqual(e.offers);
      } else if (e.kind === 'metric') {
        const q = compileMetric(ws, e.metric, db.dialect);
        const row = (await db.query(q.sql, bindParameters(q.parameters, context))).find((r) => String(r.key) === e.key);
        if (e.op === '=') expect(row?.value ?? null, what).toEqual(e.expected);
      }
    }
  } finally {
    await db.close();
  }
}

const ENGINES = testEngines();

describe.each(ENGINES)('retail example on $label', (engine) => {
  it.each(ws.tests.map((t) => [t.title, t] as const))('%s', async (_title, test) => {
    await expectTest(test, engine);
  });

  it('runs every segment and metric and every plan on an empty database', async () => {
    const db = await engine.open();
    try {
      await createSchema(db, ws.model);
      const context = { asOf: new Date('2026-11-22T00:00:00Z'), timeZone: ws.timezone };
      for (const name of Object.keys(ws.segments)) {
        const q = compileSegment(ws, name, db.dialect);
        expect(await db.query(q.sql, bindParameters(q.parameters, context)), name).toEqual([]);
      }
      for (const name of Object.keys(ws.metrics)) {
        const q = compileMetric(ws, name, db.dialect);
        expect(await db.query(q.sql, bindParameters(q.parameters, context)), name).toEqual([]);
      }
      for (const name of Object.keys(ws.plans)) {
        const run = await runPlan(db, compilePlan(ws, name, db.dialect), { ...context, previousRunId: null });
        expect(run.assignments, name).toEqual([]);
      }
    } finally {
      await db.close();
    }
  });
});
