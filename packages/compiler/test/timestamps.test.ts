/**
 * Stored timestamps in every form the language accepts, and windows across a
 * daylight-saving change in the workspace time zone.
 */
import { describe, expect, it } from 'vitest';
import type { CheckedWorkspace, TimestampStorage } from '@seg/core';
import { testEngines } from '../../runtime/test/support/engines';
import { withTimestampStorage } from '../src/index';
import { onEngine } from './support/engine-harness';
import type { ColumnType } from './support/load';
import { checked } from './support/workspace';

const MODEL = `
audience customers
table customers key customer_id {
  signup_at  timestamp
}
table visits time at {
  customer -> customers on customer_id
}
metric last_visit = last(visits.at)
metric days = days_since(last(visits.at))
segment day_before { any(visits from 2 days ago to 1 day ago) }
segment today_only { any(visits between today and today) }
segment last_week { any(visits in last 1 week) }
segment last_month { any(visits in last 1 month) }
segment lapsed { last(visits.at) < 3 days ago }
segment since_signup { last(visits.at) > signup_at }
`;

/** The model checked in a zone, with `visits.at` declared stored as `storage`. */
function workspaceFor(timezone: string, storage?: TimestampStorage): CheckedWorkspace {
  const ws = checked({ 'model.seg': MODEL }, timezone);
  return storage ? withTimestampStorage(ws, (table) => (table.name === 'visits' ? storage : undefined)) : ws;
}

const customers = {
  columns: { customer_id: 'text' as ColumnType },
  rows: ['a', 'b', 'c', 'd', 'e'].map((customer_id) => ({ customer_id })),
};

describe.each(testEngines())('$label', (engine) => {
  describe('windows in a daylight-saving zone (Australia/Sydney)', () => {
    const sydney = workspaceFor('Australia/Sydney');
    const run = onEngine(engine, {
      customers,
      visits: {
        columns: { customer_id: 'text', at: 'timestamp' },
        rows: [
          // As of 6 April 2026 09:00 AEST (+10) = 2026-04-05T23:00Z. DST ended 5 April 03:00 → 02:00.
          // From 2 days ago to 1 day ago = [4 April 09:00 AEDT = 3 April 22:00Z, 5 April 09:00 AEST = 4 April 23:00Z): 25 hours.
          { customer_id: 'a', at: '2026-04-03T22:00:00Z' }, // first instant of the window: in
          { customer_id: 'b', at: '2026-04-03T21:59:59Z' }, // a second earlier: out
          { customer_id: 'c', at: '2026-04-04T22:30:00Z' }, // in the 25th hour: in
          { customer_id: 'd', at: '2026-04-05T14:00:00Z' }, // midnight 6 April AEST: today
          // One month before 2026-04-05T23:00Z (6 April 09:00 AEST) is 6 March 09:00 AEDT = 5 March 22:00Z.
          { customer_id: 'e', at: '2026-03-05T22:00:00Z' },
        ],
      },
    });
    const asOf = '2026-04-05T23:00:00Z';

    it('keeps the wall clock across the change for days, and takes today from local midnight', async () => {
      expect(await run.members(sydney, 'day_before', asOf, 'Australia/Sydney')).toEqual(['a', 'c']);
      expect(await run.members(sydney, 'today_only', asOf, 'Australia/Sydney')).toEqual(['d']);
    });

    it('counts calendar months in the zone, and weeks as seven local days', async () => {
      expect(await run.members(sydney, 'last_month', asOf, 'Australia/Sydney')).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(await run.members(sydney, 'last_month', '2026-04-05T23:00:01Z', 'Australia/Sydney')).toEqual(['a', 'b', 'c', 'd']);
      expect(await run.members(sydney, 'last_week', asOf, 'Australia/Sydney')).toEqual(['a', 'b', 'c', 'd']);
    });
  });

  describe('timestamps stored as numbers of seconds', () => {
    // SQLite reads each row as it is stored; the others need the model's `storage` hint.
    const ws = workspaceFor('UTC', engine.name === 'sqlite' ? undefined : 'epochSeconds');
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
    const ws = workspaceFor('UTC', 'isoUtcSeconds');
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
      // Half a second later: d (at the old as-of) is now seen; a is half a second before the window.
      expect(await run.members(ws, 'last_week', '2026-03-31T00:00:00.500Z')).toEqual(['c', 'd']);
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
