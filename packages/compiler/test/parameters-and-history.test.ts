/**
 * bindParameters' encodings, and trigger audiences (`entered`/`left`) against the
 * membership history a runtime records, on every engine.
 */
import { describe, expect, it } from 'vitest';
import { parseAsOf } from '@seg/core';
import { testEngines } from '../../runtime/test/support/engines';
import { bindParameters, compilePlan, compileSegment, type ParamSpec } from '../src/index';
import { onEngine } from './support/engine-harness';
import { checked } from './support/workspace';

describe('bindParameters', () => {
  const asOf = new Date('2026-04-05T23:00:00.750Z'); // 6 April 09:00:00.750 AEST
  const month = { kind: 'relative', anchor: 'asOf', amount: 1, unit: 'month' } as const;
  const params: ParamSpec[] = [
    { kind: 'value', value: `it's` },
    { kind: 'time', point: month, encoding: 'epochSeconds' },
    { kind: 'time', point: month, encoding: 'iso' },
    { kind: 'time', point: month, encoding: 'isoSeconds' },
    { kind: 'time', point: month, encoding: 'isoSeconds', rounding: 'down' },
    { kind: 'time', point: month, encoding: 'isoSeconds', rounding: 'exact' },
    { kind: 'time', point: { kind: 'fixed', value: '2026-11-01', date: true }, encoding: 'iso' },
    { kind: 'run', name: 'previousRunId' },
    { kind: 'run', name: 'plan' },
  ];

  it('resolves time points in the workspace zone and encodes them per engine', () => {
    expect(bindParameters(params, { asOf, timeZone: 'Australia/Sydney', plan: 'weekly' })).toEqual([
      `it's`,
      Date.parse('2026-03-05T22:00:00.750Z') / 1000,
      '2026-03-05T22:00:00.750Z',
      // Against whole-second text: t >= 22:00:00.750 ⇔ t >= 22:00:01; t > it ⇔ t > 22:00:00; never equal.
      '2026-03-05T22:00:01Z',
      '2026-03-05T22:00:00Z',
      '2026-03-05T22:00:00.750Z',
      '2026-10-31T13:00:00.000Z',
      null,
      'weekly',
    ]);
  });

  it('says which run fact a statement needs when it is missing', () => {
    expect(() => bindParameters([{ kind: 'run', name: 'runId' }], { asOf, timeZone: 'UTC' })).toThrow(/runId/);
  });
});

const SOURCES = {
  'model.seg': `
audience customers
table customers key customer_id {
  predicted_clv number
}
segment big { predicted_clv > 100 }
offer hello { eligible true }
plan arrivals {
  audience entered(big)
  offers hello
}
plan departures {
  audience left(big)
  offers hello
}
`,
};

describe.each(testEngines())('membership history on $label', (engine) => {
  const run = onEngine(engine, {
    customers: {
      columns: { customer_id: 'text', predicted_clv: 'number' },
      rows: [
        { customer_id: 'c1', predicted_clv: 500 }, // big before and now
        { customer_id: 'c2', predicted_clv: 300 }, // big now only
        { customer_id: 'c3', predicted_clv: 50 }, // big before only
        { customer_id: 'c4', predicted_clv: 10 },
      ],
    },
  });
  const ws = checked(SOURCES);
  const asOf = parseAsOf('2026-11-22', 'UTC');

  const members = async (name: string, previousRunId: string | null) => {
    const q = compileSegment(ws, name, run.db().dialect);
    const rows = await run.db().query(q.sql, bindParameters(q.parameters, { asOf, timeZone: 'UTC', previousRunId }));
    return rows.map((r) => String(r.key));
  };

  it('reads the previous run of the plan from seg_memberships', async () => {
    // The plan's setup statements create the history table when it is missing.
    const plan = compilePlan(ws, 'arrivals', run.db().dialect);
    expect(plan.trackedSegments).toEqual(['big']);
    for (const s of plan.stages[0]!.statements.filter((s) => s.id === 'create:memberships')) await run.db().query(s.sql, []);
    const insert = run.db().dialect === 'postgres' ? 'values ($1, $2, $3, $4)' : 'values (?, ?, ?, ?)';
    for (const [planName, key] of [['arrivals', 'c1'], ['arrivals', 'c3'], ['departures', 'c1'], ['departures', 'c3'], ['other', 'c2']]) {
      await run.db().query(`insert into seg_memberships (plan, segment, run_id, customer_key) ${insert}`, [planName, 'big', 'r0', key]);
    }
    expect(await members('arrivals', 'r0')).toEqual(['c2']);
    expect(await members('departures', 'r0')).toEqual(['c3']);
    // First run: everyone in the segment has entered, nobody has left.
    expect(await members('arrivals', null)).toEqual(['c1', 'c2']);
    expect(await members('departures', null)).toEqual([]);
  });
});
