/**
 * Arbitration of a run's candidates into the assignments work table, with
 * memory that does not grow with the number of customers.
 *
 * Without a binding cap the result is each customer's best N (at most K per
 * category): the plan's set-based cut-off (`arbitration.uncappedStatement`).
 * A cap binds when, after that cut-off, an offer is held by more customers
 * than its cap; then the assignment with the highest total score
 * (docs/language.md, decision 28) comes from the compiler's
 * `arbitrateInRounds`, which reads the candidates customer by customer in a
 * few passes. Each pass pages through a numbered copy of the candidates
 * (whole customers per page, by number range), and the last pass's
 * assignments are inserted page by page.
 */
import { arbitrateInRounds, type Assignment, type Candidate, type CandidateSource, type PlanStatement } from '@seg/compiler';
import type { Row } from '../db/database';
import type { RunSession } from './run-session';
import { bound, quoteIdentifier as q, type BoundSql } from './sql-text';
import { temporaryTable, WORK_TABLES } from './work-tables';

export interface ArbitrationResult {
  /** Whether some cap bound (the optimal assignment then came from `arbitrateInRounds`). */
  readonly capsBound: boolean;
  /** Passes over the candidates (0 when the cut-off sufficed). */
  readonly passes: number;
  /** A proven lower bound on total score / optimum: 1 when the result is proven optimal (see `arbitrateInRounds`). */
  readonly provenRatio: number;
}

/** Customers per page: a few tens of thousands of candidate rows in memory at a time. */
const CUSTOMERS_PER_PAGE = 2_000;
/** Assignments per insert statement (5 parameters each: within every engine's limit). */
const ROWS_PER_INSERT = 400;

export async function arbitrateInSql(session: RunSession): Promise<ArbitrationResult> {
  const { plan } = session;
  const step = 'arbitration';
  const run = (sql: string) => session.query({ sql, params: [] }, step);
  const [candidates, assignments] = [q(plan.tables.candidates), q(WORK_TABLES.assignments)];

  const cutOff = arbitrationStatement(session, plan.arbitration.uncappedStatement);
  const { sql, params } = session.bound(cutOff);
  await session.query({ sql: `insert into ${assignments} (customer_key, offer, category, score, ${q('rank')}) ${sql}`, params }, cutOff.id);
  const overCap = await session.count(
    {
      sql: `select count(*) as n from (select offer, min(cap) as cap from ${candidates} where cap is not null group by offer) as k
            where k.cap < (select count(*) from ${assignments} as a where a.offer = k.offer)`,
      params: [],
    },
    step,
  );
  if (overCap === 0) return { capsBound: false, passes: 0, provenRatio: 1 };

  await run(`delete from ${assignments}`);
  const source = await numberedCandidates(session);
  const pending: Assignment[] = [];
  const result = await arbitrateInRounds(
    {
      forEachCustomer: (visit) =>
        source.forEachCustomer(visit, async () => {
          // Between pages: the last pass's assignments so far go to the table.
          for (let start = 0; start < pending.length; start += ROWS_PER_INSERT) {
            await session.query(insertAssignments(session, pending.slice(start, start + ROWS_PER_INSERT), source.keyOf), step);
          }
          pending.length = 0;
        }),
    },
    { top: plan.arbitration.top, ...(plan.arbitration.perCategory !== null ? { perCategory: plan.arbitration.perCategory } : {}) },
    {
      emit: (kept) => pending.push(...kept),
      progress: (message) => session.progress({ stage: 'arbitration', done: 0, total: 0, message }),
    },
  );
  const proven = result.certified ? 'proven optimal' : `proven within ${((1 - result.provenRatio) * 100).toFixed(2)} % of the optimum`;
  session.progress({ stage: 'arbitration', done: 0, total: 0, message: `${result.passes} passes, ${result.contested} customers solved exactly: ${proven}` });
  return { capsBound: true, passes: result.passes, provenRatio: result.provenRatio };
}

interface PagedCandidates {
  /** Visits every customer's candidates in customer order; `afterPage` runs once each page has been visited. */
  forEachCustomer(visit: Parameters<CandidateSource['forEachCustomer']>[0], afterPage: () => Promise<void>): Promise<void>;
  /** The key as stored, for a key as the arbitration saw it (text). */
  keyOf(customerKey: string): unknown;
}

/**
 * The candidates numbered by customer (1…n in key order), so that a page is a
 * range of numbers holding whole customers, read through an index.
 */
async function numberedCandidates(session: RunSession): Promise<PagedCandidates> {
  const { plan, dialect } = session;
  const step = 'arbitration';
  const table = temporaryTable(dialect, WORK_TABLES.arbitrationInput);
  await session.query(
    {
      sql: `create temporary table ${q(WORK_TABLES.arbitrationInput)} as
            select dense_rank() over (order by customer_key) as customer_no, customer_key, offer, category, score, cap
            from ${q(plan.tables.candidates)} order by customer_no, offer`,
      params: [],
    },
    step,
  );
  if (dialect !== 'duckdb') {
    // DuckDB keeps each row group's min/max, and the rows went in ordered: a range scan skips the rest.
    // In the pages' order too, so that reading a page sorts nothing.
    await session.query({ sql: `create index ${q(`${WORK_TABLES.arbitrationInput}_customer`)} on ${q(WORK_TABLES.arbitrationInput)} (customer_no, offer)`, params: [] }, step);
  }
  const customers = await session.count({ sql: `select coalesce(max(customer_no), 0) as n from ${table}`, params: [] }, step);
  let keys = new Map<string, unknown>();
  return {
    keyOf: (customerKey) => keys.get(customerKey),
    async forEachCustomer(visit, afterPage) {
      for (let first = 1; first <= customers; first += CUSTOMERS_PER_PAGE) {
        const page = bound(
          dialect,
          (p) =>
            `select customer_no, customer_key, offer, category, score, cap from ${table}
             where customer_no >= ${p(first, 'integer')} and customer_no < ${p(first + CUSTOMERS_PER_PAGE, 'integer')}
             order by customer_no, offer`,
        );
        const rows = await session.query(page, step);
        keys = new Map();
        let group: Candidate[] = [];
        rows.forEach((row, i) => {
          const candidate = toCandidate(row);
          keys.set(candidate.customerKey, row.customer_key);
          group.push(candidate);
          if (i + 1 === rows.length || rows[i + 1]!.customer_no !== row.customer_no) {
            visit(group);
            group = [];
          }
        });
        await afterPage();
      }
    },
  };
}

function toCandidate(row: Row): Candidate {
  return {
    customerKey: String(row.customer_key),
    offer: String(row.offer),
    category: row.category === null || row.category === undefined ? null : String(row.category),
    // A missing score is not a candidate (`usableCandidates` drops non-finite scores).
    score: row.score === null || row.score === undefined ? Number.NaN : Number(row.score),
    cap: row.cap === null || row.cap === undefined ? null : Number(row.cap),
  };
}

function insertAssignments(session: RunSession, rows: readonly Assignment[], keyOf: (customerKey: string) => unknown): BoundSql {
  const keyType = session.plan.tables.audience.keyType;
  return bound(
    session.dialect,
    (p) =>
      `insert into ${q(WORK_TABLES.assignments)} (customer_key, offer, category, score, ${q('rank')}) values ${rows
        .map((a) => `(${p(keyOf(a.customerKey), keyType)}, ${p(a.offer, 'text')}, ${p(a.category, 'text')}, ${p(a.score, 'number')}, ${p(a.rank, 'integer')})`)
        .join(', ')}`,
  );
}

function arbitrationStatement(session: RunSession, id: string): PlanStatement {
  const statement = session.plan.stages.flatMap((s) => s.statements).find((s) => s.id === id);
  if (!statement) throw new Error(`internal: the plan has no statement ${id}`);
  return statement;
}
