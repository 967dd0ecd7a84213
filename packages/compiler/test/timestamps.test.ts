/**
 * Stored timestamps in every form the language accepts, and windows across a
 * daylight-saving change in the workspace time zone.
 */
import { describe, expect, it } from 'vitest';
import type { CheckedWorkspace, IrExpr, TableDef, TimePoint } from '@seg/core';
import { testEngines } from '../../runtime/test/support/engines';
import { MODEL_TABLES, ago, cmp, count, num, workspace } from './support/ir';
import { onEngine } from './support/engine-harness';
import type { ColumnType } from './support/load';

function withVisits(storage: 'epochSeconds' | 'isoUtcSeconds' | undefined, base: CheckedWorkspace): CheckedWorkspace {
  const visits: TableDef = {
    name: 'visits',
    sqlName: 'visits',
    time: 'at',
    fields: {
      at: { name: 'at', column: 'at', type: 'timestamp', ...(storage ? { storage } : {}) },
      customer: { name: 'customer', column: 'customer_id', type: 'text', link: { target: 'customers' } },
    },
    audiencePath: ['customer'],
    timeSource: { path: [], field: 'at' },
  };
  return { ...base, model: { ...base.model, tables: { ...MODEL_TABLES, visits } } };
}

const today = (amount: number): TimePoint => ({ kind: 'relative', anchor: 'today', amount, unit: 'day' });
const visitsIn = (start: TimePoint, end?: TimePoint): IrExpr => cmp('>', count('visits', { start, ...(end ? { end } : {}) }), num(0));

const segments = {
  // [start of yesterday, start of today) in the workspace zone.
  yesterday: visitsIn(today(1), today(0)),
  last_week: visitsIn({ kind: 'relative', anchor: 'asOf', amount: 1, unit: 'week' }),
  last_month: visitsIn({ kind: 'relative', anchor: 'asOf', amount: 1, unit: 'month' }),
};

const customers = {
  columns: { customer_id: 'text' as ColumnType },
  rows: ['a', 'b', 'c', 'd', 'e'].map((customer_id) => ({ customer_id })),
};

describe.each(testEngines())('$label', (engine) => {
  describe('windows in a daylight-saving zone (Australia/Sydney)', () => {
    const sydney = withVisits(undefined, workspace({ segments, timezone: 'Australia/Sydney' }));
    const run = onEngine(engine, {
      customers,
      visits: {
        columns: { customer_id: 'text', at: 'timestamp' },
        rows: [
          // As of 2026-04-06T09:00 AEST (+10). DST ended 5 April 03:00 → 02:00.
          // Yesterday = [5 April 00:00 AEDT (+11) = 4 April 13:00Z, 6 April 00:00 AEST = 5 April 14:00Z): 25 hours.
          { customer_id: 'a', at: '2026-04-04T13:00:00Z' }, // first instant of yesterday: in
          { customer_id: 'b', at: '2026-04-04T12:59:59Z' }, // the day before: out
          { customer_id: 'c', at: '2026-04-05T13:30:00Z' }, // 23:30 AEST on 5 April (the 25th hour): in
          { customer_id: 'd', at: '2026-04-05T14:00:00Z' }, // midnight 6 April: today, out
          // One month before 2026-04-05T23:00Z (6 April 09:00 AEST) is 6 March 09:00 AEDT = 5 March 22:00Z.
          { customer_id: 'e', at: '2026-03-05T22:00:00Z' },
        ],
      },
    });
    const asOf = '2026-04-05T23:00:00Z';

    it('takes yesterday and today as whole local days, however long', async () => {
      expect(await run.members(sydney, 'yesterday', asOf, 'Australia/Sydney')).toEqual(['a', 'c']);
    });

    it('counts calendar months in the zone, and weeks as seven local days', async () => {
      expect(await run.members(sydney, 'last_month', asOf, 'Australia/Sydney')).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(await run.members(sydney, 'last_month', '2026-04-05T23:00:01Z', 'Australia/Sydney')).toEqual(['a', 'b', 'c', 'd']);
      expect(await run.members(sydney, 'last_week', asOf, 'Australia/Sydney')).toEqual(['a', 'b', 'c', 'd']);
    });
  });

  describe('timestamps stored as numbers of seconds', () => {
    // SQLite reads each row as it is stored; the others need the model's `storage` hint.
    const ws = withVisits(engine.name === 'sqlite' ? undefined : 'epochSeconds', workspace({ segments }));
    const epoch = (iso: string) => Date.parse(iso) / 1000;
    const run = onEngine(engine, {
      customers,
      visits: {
        columns: { customer_id: 'text', at: engine.name === 'sqlite' ? 'any' : 'number' },
        rows: [
          { customer_id: 'a', at: epoch('2026-03-24T00:00:00Z') }, // 7 days before as-of: in
          { customer_id: 'b', at: epoch('2026-03-23T23:59:59Z') }, // out
          { customer_id: 'c', at: engine.name === 'sqlite' ? '2026-03-30T10:00:00+10:00' : epoch('2026-03-30T00:00:00Z') },
          { customer_id: 'd', at: engine.name === 'sqlite' ? '2026-03-31 00:00:00' : epoch('2026-03-31T00:00:00Z') }, // at as-of: out
        ],
      },
    });

    it('reads them exactly, mixed with ISO text on SQLite', async () => {
      expect(await run.members(ws, 'last_week', '2026-03-31T00:00:00Z')).toEqual(['a', 'c']);
    });
  });

  describe('timestamps declared as isoUtcSeconds text (compared as text on SQLite)', () => {
    const lastVisit: IrExpr = { kind: 'aggregate', type: 'timestamp', fn: 'last', source: 'visits', field: { path: [], field: 'at', type: 'timestamp' } };
    const ws = withVisits(
      'isoUtcSeconds',
      workspace({
        segments: {
          ...segments,
          lapsed: cmp('<', lastVisit, { kind: 'time', type: 'timestamp', point: ago(3) }),
          since_signup: cmp('>', lastVisit, { kind: 'field', type: 'timestamp', scope: 'audience', table: 'customers', path: [], field: 'signup_at' }),
        },
        metrics: {
          last_visit: lastVisit,
          days: { kind: 'call', type: 'number', fn: 'days_since', args: [lastVisit] },
        },
      }),
    );
    const run = onEngine(engine, {
      customers: { columns: { customer_id: 'text', signup_at: 'timestamp' }, rows: ['a', 'b', 'c', 'd', 'e'].map((customer_id) => ({ customer_id, signup_at: '2026-03-25T00:00:00Z' })) },
      visits: {
        columns: { customer_id: 'text', at: engine.name === 'sqlite' ? 'text' : 'timestamp' },
        rows: [
          { customer_id: 'a', at: '2026-03-24T00:00:00Z' }, // exactly 7 days before as-of: in the last week
          { customer_id: 'b', at: '2026-03-23T23:59:59Z' },
          { customer_id: 'c', at: '2026-03-30T12:00:00Z' },
          { customer_id: 'd', at: '2026-03-31T00:00:00Z' }, // at as-of: never seen
        ],
      },
    });
    const asOf = '2026-03-31T00:00:00Z';

    it('keeps window ends exact', async () => {
      expect(await run.members(ws, 'last_week', asOf)).toEqual(['a', 'c']);
      expect(await run.members(ws, 'lapsed', asOf)).toEqual(['a', 'b']);
      expect(await run.members(ws, 'since_signup', asOf)).toEqual(['c']);
    });

    it('returns values like any other timestamp', async () => {
      expect(await run.metric(ws, 'last_visit', asOf)).toEqual({
        a: '2026-03-24T00:00:00.000Z',
        b: '2026-03-23T23:59:59.000Z',
        c: '2026-03-30T12:00:00.000Z',
        d: null,
        e: null,
      });
      expect(await run.metric(ws, 'days', asOf)).toEqual({ a: 7, b: 7, c: 0, d: null, e: null });
    });
  });
});
