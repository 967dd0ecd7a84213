/**
 * Arbitration in SQL, set-based, into the assignments work table: memory does
 * not grow with the number of customers.
 *
 * Without caps it is the plan's per-customer cut-off (`arbitration.uncappedStatement`:
 * top N by score desc, offer asc, at most K per category).
 *
 * With caps it is deferred acceptance (customers propose, capped offers reject):
 *
 *   repeat
 *     assignments := per-customer cut-off over the remaining candidates
 *     for each capped offer holding more customers than its cap:
 *       remove from the candidates its holders ranked beyond the cap
 *       (by score desc, customer key asc)
 *   until no offer holds more than its cap
 *
 * A customer's cut-off keeps whatever it kept before among what remains (top N
 * with a per-category limit is a matroid choice), so an offer's holders only
 * ever get better and rejections are final: the loop ends, at the
 * customer-proposing stable assignment. Customers and offers rank a pair by the
 * same score (ties: offer, then customer key), so that stable assignment is
 * unique and equals the compiler's greedy reference `arbitrate()` — checked by
 * a property test on every engine (tests/runtime/sql-arbitration.test.ts).
 *
 * What keeps large audiences fast: each round costs what it changes.
 *  - Only customers who lost an offer can choose differently, so after the first
 *    round the cut-off runs over their candidates alone: all candidates are
 *    parked in a work table and theirs copied back.
 *  - Only offers that gained holders are ranked again.
 *  - A full offer's last holder within the cap is a threshold that only rises:
 *    a pair ranked below it would be rejected whenever proposed, so it is left
 *    out when its customer chooses again (that also removes the round's rejections).
 */
import type { PlanStatement } from '@seg/compiler';
import type { RunSession } from './run-session';
import { quoteIdentifier as q } from './sql-text';
import { WORK_TABLES } from './work-tables';

export interface ArbitrationResult {
  /** Whether any candidate had a cap. */
  readonly capped: boolean;
  /** Cut-offs computed (1 without caps). */
  readonly rounds: number;
}

export async function arbitrateInSql(session: RunSession): Promise<ArbitrationResult> {
  const { plan } = session;
  const cutOff = arbitrationStatement(session, plan.arbitration.uncappedStatement);
  const [candidates, assignments, caps, holders, ranked, touched, thresholds, rejected, parked] = [
    plan.tables.candidates,
    WORK_TABLES.assignments,
    WORK_TABLES.caps,
    WORK_TABLES.holders,
    WORK_TABLES.ranked,
    WORK_TABLES.touched,
    WORK_TABLES.thresholds,
    WORK_TABLES.rejected,
    WORK_TABLES.parked,
  ].map(q) as [string, string, string, string, string, string, string, string, string];
  const run = (sql: string) => session.query({ sql, params: [] }, 'arbitration:caps');
  const count = (table: string) => session.count({ sql: `select count(*) as n from ${table}`, params: [] }, 'arbitration:caps');
  // Text keys tie-break in code-point order everywhere, whatever the database's collation.
  const collate = session.dialect === 'postgres' && plan.tables.audience.keyType === 'text' ? ' collate "C"' : '';
  const losers = `(select customer_key from ${rejected})`;

  /** The plan's cut-off over what the candidates table holds, added to the assignments. */
  const fill = async () => {
    const { sql, params } = session.bound(cutOff);
    await session.query({ sql: `insert into ${assignments} (customer_key, offer, category, score, ${q('rank')}) ${sql}`, params }, cutOff.id);
  };
  /** The capped offers' holders among the assignments (of everyone, or of the round's losers), and the offers they hold. */
  const addHolders = async (whose: 'everyone' | 'losers') => {
    const only = (alias: string) => (whose === 'losers' ? ` where ${alias}.customer_key in ${losers}` : '');
    await run(
      `insert into ${holders} (customer_key, offer, score, cap)
       select a.customer_key, a.offer, a.score, k.cap from ${assignments} as a join ${caps} as k on k.offer = a.offer${only('a')}`,
    );
    await run(`delete from ${touched}`);
    await run(`insert into ${touched} (offer) select distinct offer from ${holders} as h${only('h')}`);
  };

  // A cap belongs to the offer (the catalogue row of a family).
  await run(`insert into ${caps} (offer, cap) select offer, min(cap) from ${candidates} where cap is not null group by offer`);
  const capped = (await count(caps)) > 0;
  await fill();
  if (!capped) return { capped, rounds: 1 };
  await addHolders('everyone');

  for (let round = 1; ; round++) {
    // The holders of the offers that gained some, in each offer's order.
    await run(`delete from ${ranked}`);
    await run(
      `insert into ${ranked} (customer_key, offer, score, cap, holder_rank)
       select customer_key, offer, score, cap, row_number() over (partition by offer order by score desc, customer_key${collate})
       from ${holders} where offer in (select offer from ${touched})`,
    );
    await run(`delete from ${rejected}`);
    await run(`insert into ${rejected} (customer_key, offer) select customer_key, offer from ${ranked} where holder_rank > cap`);
    const over = await count(rejected);
    session.progress({ stage: 'arbitration', done: round, total: 0, message: `round ${round}: ${over} over a cap` });
    if (over === 0) return { capped, rounds: round };

    await run(`delete from ${thresholds} where offer in (select offer from ${touched})`);
    await run(`insert into ${thresholds} (offer, score, customer_key) select offer, score, customer_key from ${ranked} where holder_rank <= cap and holder_rank > cap - 1`);
    if (round === 1) {
      await run(`create temporary table ${parked} as select * from ${candidates}`);
      if (session.dialect === 'sqlite') await run(`create index ${q(`${WORK_TABLES.parked}_customer`)} on ${parked} (customer_key)`);
      // An offer capped below one customer can go to nobody.
      await run(`delete from ${parked} where offer in (select offer from ${caps} where cap < 1)`);
    }
    // Those who lost an offer choose again, from their pairs not below a full offer's threshold.
    await run(`delete from ${holders} where customer_key in ${losers}`);
    await run(`delete from ${assignments} where customer_key in ${losers}`);
    await run(`delete from ${candidates}`);
    await run(
      `insert into ${candidates} select * from ${parked} as p where p.customer_key in ${losers}
         and not exists (select 1 from ${thresholds} as t where t.offer = p.offer
           and (p.score < t.score or (p.score = t.score and p.customer_key${collate} > t.customer_key${collate})))`,
    );
    await fill();
    await addHolders('losers');
  }
}

function arbitrationStatement(session: RunSession, id: string): PlanStatement {
  const statement = session.plan.stages.flatMap((s) => s.statements).find((s) => s.id === id);
  if (!statement) throw new Error(`internal: the plan has no statement ${id}`);
  return statement;
}
