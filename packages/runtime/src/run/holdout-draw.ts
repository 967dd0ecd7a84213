/**
 * The audience and holdout stages. The audience goes into the run's audience
 * table in one `insert … select` (holdout = false), so no key passes through
 * JavaScript for it. The draw (`isHeldOut`, computed here because SQLite has no
 * hash function) then reads the keys back a page at a time — keyset on the
 * table's primary key, since a driver cursor would hold the connection the
 * updates need — and flags the held-out ones of each page: memory stays
 * bounded by the page, whatever the number of customers.
 */
import { isHeldOut, type PlanStage } from '@seg/compiler';
import type { RunSession } from './run-session';
import { bound, quoteIdentifier as q } from './sql-text';

/** Keys read per page. */
const PAGE_ROWS = 2000;
/** Held-out keys per update: always this many parameters (the last key repeated), so one prepared statement serves every page. */
const UPDATE_ROWS = 100;

/** Fills the run's audience table from the audience stage's query; returns how many members it has. */
export async function insertAudience(session: RunSession, stage: PlanStage): Promise<number> {
  const [statement, ...rest] = stage.statements;
  if (!statement || rest.length > 0) throw new Error(`internal: the audience stage has ${stage.statements.length} statements, not 1`);
  const { table, key, holdout } = audienceTable(session);
  const insert = bound(
    session.dialect,
    (p) => `insert into ${table} (${key}, ${holdout}) select a.${q('key')}, false from (${p.embed(session.bound(statement))}) as a`,
  );
  await session.query(insert, statement.id);
  return session.count({ sql: `select count(*) as n from ${table}`, params: [] }, statement.id);
}

/** Flags the held-out members of the run's audience table (`audience` of them); returns how many are held out. */
export async function drawHoldout(session: RunSession, audience: number, options: { ignoreHoldout?: boolean } = {}): Promise<number> {
  const share = options.ignoreHoldout ? 0 : session.plan.holdout.share;
  if (share <= 0) return 0;
  const { table, key, holdout } = audienceTable(session);
  let held = 0;
  let done = 0;
  let after: unknown;
  for (;;) {
    const page = bound(
      session.dialect,
      (p) => `select ${key} as ${q('key')} from ${table}${after === undefined ? '' : ` where ${key} > ${p(after)}`} order by ${key} limit ${PAGE_ROWS}`,
    );
    const keys = (await session.query(page, 'holdout')).map((row) => row.key);
    const out = keys.filter((k) => isHeldOut(session.plan.plan, k as string | number, share));
    for (let start = 0; start < out.length; start += UPDATE_ROWS) {
      const batch = Array.from({ length: UPDATE_ROWS }, (_, i) => out[Math.min(start + i, out.length - 1)]);
      await session.query(bound(session.dialect, (p) => `update ${table} set ${holdout} = true where ${key} in (${batch.map((k) => p(k)).join(', ')})`), 'holdout');
    }
    held += out.length;
    done += keys.length;
    session.progress({ stage: 'holdout', done, total: audience });
    if (keys.length < PAGE_ROWS) return held;
    after = keys[keys.length - 1];
  }
}

/** The run's audience table and its two columns (as the plan names them for its insert), quoted. */
function audienceTable(session: RunSession): { table: string; key: string; holdout: string } {
  const { plan } = session;
  const [key, holdout] = plan.holdout.insert.columns as [string, string];
  return { table: q(plan.tables.runAudience), key: q(key), holdout: q(holdout) };
}
