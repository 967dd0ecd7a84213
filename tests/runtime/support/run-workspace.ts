/**
 * A small workspace for the plan executor's tests, with rows whose outcome is
 * worked out by hand in the tests (see run-plan.test.ts for the arithmetic).
 */
import { checkWorkspace, type CheckedWorkspace } from '@seg/core';
import type { Database } from '../../../packages/runtime/src/db/database';
import { createSchema, insertFixtures, type FixtureRow } from '../../../packages/runtime/src/fixtures';

export const SOURCE = `
audience customers

table customers key customer_id {
  email_opt_in  bool
  points        number
  vip           bool
}

table orders key order_id time placed_at {
  customer  -> customers on customer_id
  total     number
}

metric spend = sum(orders.total)

segment big { spend >= 100 }
segment recent_big { sum(orders.total in last 30 days) >= 100 }

strategy vm {
  primary {
    when big then retain
    else grow
  }
  secondary {
    when vip then cross_sell
    else migrate
  }
}

offer gold {
  category "A"
  channels email
  strategy retain
  eligible points > 0
  score points / 10
  cap 2
}

offer silver {
  category "A"
  channels email
  strategy grow
  score 0.5
}

offer bronze {
  category "B"
  channels email
  strategy cross_sell
  eligible vip
  score 0.4
}

offer plain2 {
  channels email
  score 0.35
}

offer plain {
  channels email
  score 0.3
}

offer sms_only {
  category "C"
  channels sms
  score 9
}

offer expired {
  category "C"
  channels email
  valid from 2026-01-01 to 2026-06-30
  score 9
}

offer december {
  category "C"
  channels email
  valid from 2026-12-01 to 2026-12-31
  score 9
}

plan weekly {
  audience email_opt_in
  channel email
  offers all
  strategy vm
  boost 2 when offer.strategy = primary
  top 3 per customer
  at most 1 per category
  suppress when count(contacts in last 7 days where channel = "email") > 0
  holdout 30%
  output table weekly_out with spend
}

plan trigger {
  audience entered(recent_big)
  channel email
  offers plain
  output table trigger_out
}

plan lapse {
  audience left(recent_big)
  channel email
  offers plain
  output table lapse_out
}

plan simple {
  audience email_opt_in
  offers plain
  output table simple_out
}
`;

export const ROWS: Record<string, FixtureRow[]> = {
  customers: [
    { customer_id: 'c1', email_opt_in: true, points: 30, vip: true },
    { customer_id: 'c2', email_opt_in: true, points: 20, vip: false },
    { customer_id: 'c3', email_opt_in: true, points: 25, vip: true },
    { customer_id: 'c4', email_opt_in: true, points: 0, vip: false },
    { customer_id: 'c5', email_opt_in: false, points: 40, vip: false },
    { customer_id: 'c6', email_opt_in: true, points: 50, vip: false },
    { customer_id: 'c7', email_opt_in: true, points: 10, vip: false },
  ],
  orders: [
    { order_id: 'o1', customer: 'c1', total: 150, placed_at: '2026-11-01T00:00:00Z' },
    { order_id: 'o2', customer: 'c2', total: 120, placed_at: '2026-10-30T00:00:00Z' },
  ],
  contacts: [
    // c6 was emailed two days before 2026-11-22: suppressed for 7 days.
    { plan: 'other', offer: 'x', channel: 'email', category: 'A', at: '2026-11-20T00:00:00Z', customer: 'c6' },
    // c7: an email 12 days before, and an SMS (not an email) the day before: not suppressed.
    { plan: 'other', offer: 'x', channel: 'email', category: 'A', at: '2026-11-10T00:00:00Z', customer: 'c7' },
    { plan: 'other', offer: 'x', channel: 'sms', category: 'A', at: '2026-11-21T00:00:00Z', customer: 'c7' },
  ],
};

export function checkedWorkspace(source = SOURCE): CheckedWorkspace {
  const result = checkWorkspace({ files: { 'runs.seg': source }, config: { name: 'runs', timezone: 'UTC' } });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!result.workspace || errors.length > 0) throw new Error(errors.map((d) => `${d.code} ${d.message}`).join('\n'));
  return result.workspace;
}

export async function loadRows(db: Database, ws: CheckedWorkspace, rows: Record<string, FixtureRow[]> = ROWS): Promise<void> {
  await createSchema(db, ws.model);
  await insertFixtures(db, ws.model, rows);
}

/** Rows of a table as plain values (numbers, booleans, ISO text), in the given order. */
export async function tableRows(db: Database, sql: string): Promise<Record<string, unknown>[]> {
  const rows = await db.query(sql);
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
}
