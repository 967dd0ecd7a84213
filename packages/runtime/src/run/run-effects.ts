/**
 * What a run leaves behind besides its output, written in SQL inside the run
 * transaction (so it commits atomically with the output): the contact history
 * the next runs' `suppress` rules read, and the members of tracked segments
 * that `entered()`/`left()` compare with.
 */
import type { PlanStage } from '@seg/compiler';
import type { RunSession } from './run-session';
import { bound, columnType, quoteIdentifier as q, timestampParam } from './sql-text';
import { WORK_TABLES } from './work-tables';

/**
 * Appends the assignments to the contact history (`plan, offer, channel,
 * category, at = as-of, customer_key`: the built-in `contacts` table),
 * replacing those of an earlier run of the same plan and as-of.
 */
export async function appendContacts(session: RunSession, run: { readonly plan: string; readonly asOf: Date }): Promise<void> {
  const contacts = q(session.plan.tables.contacts);
  const replace = bound(session.dialect, (p) => `delete from ${contacts} where ${q('plan')} = ${p(run.plan)} and ${q('at')} = ${timestampParam(p, run.asOf)}`);
  await session.query(replace, 'contacts');
  const insert = bound(
    session.dialect,
    (p) =>
      `insert into ${contacts} (${q('plan')}, offer, channel, category, ${q('at')}, customer_key)
       select ${p(run.plan, 'text')}, offer, ${p(session.plan.channel, 'text')}, category, ${timestampParam(p, run.asOf)}, customer_key
       from ${q(WORK_TABLES.assignments)}`,
  );
  await session.query(insert, 'contacts');
}

/** Stores each tracked segment's current members under this run's id (the membership stage's queries). */
export async function storeMemberships(session: RunSession, stage: PlanStage, runId: string): Promise<void> {
  const text = columnType(session.dialect, 'text');
  const table = q(session.plan.tables.memberships);
  for (const [i, statement] of stage.statements.entries()) {
    const segment = statement.id.startsWith('membership:') ? statement.id.slice('membership:'.length) : statement.id;
    // The key as text, exactly as entered()/left() compare it (`cast(key as text)`).
    const insert = bound(
      session.dialect,
      (p) =>
        `insert into ${table} (${q('plan')}, segment, run_id, customer_key)
         select r.plan, r.segment, r.run_id, cast(m.${q('key')} as ${text})
         from (${p.embed(session.bound(statement))}) as m
         cross join (select ${p(session.plan.plan, 'text')} as plan, ${p(segment, 'text')} as segment, ${p(runId, 'text')} as run_id) as r`,
    );
    await session.query(insert, statement.id);
    session.progress({ stage: 'membership', done: i + 1, total: stage.statements.length, message: segment });
  }
}

/** Audience members the plan's `suppress` rule kept from contact (holdout not counted: they are never contacted anyway). */
export async function countSuppressed(session: RunSession): Promise<number> {
  // Column names of the facts table the plan compiler creates (candidate-statement.ts).
  return session.count(
    { sql: `select count(*) as n from ${q(session.plan.tables.facts)} where ${q('run:suppressed')} and not ${q('run:holdout')}`, params: [] },
    'facts:suppressed',
  );
}
