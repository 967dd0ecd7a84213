/**
 * The executor's own temporary tables, next to the plan's (`seg_run_audience`,
 * `seg_run_facts`, `seg_run_candidates`): like those they live on the run's one
 * connection and vanish with a rollback or the cleanup stage.
 */
import type { OutputColumn } from '@seg/compiler';
import type { Dialect } from '../db/database';
import type { RunSession } from './run-session';
import { columnType, quoteIdentifier as q } from './sql-text';

export const WORK_TABLES = {
  /** The arbitration's result: (customer_key, offer, category, score, rank). */
  assignments: 'seg_run_assignments',
  /** The candidates numbered by customer, paged through when a cap binds (sql-arbitration.ts). */
  arbitrationInput: 'seg_run_arbitration_input',
  /** The plan's output-stage query, materialised: per-customer output columns. */
  output: 'seg_run_output',
  /** The run's output rows (plan.output.columns) numbered by `row_no`, for paging. */
  rows: 'seg_run_rows',
} as const;

/** The column that numbers output rows (customer key, then rank; holdout rows first for their customer). */
export const ROW_NUMBER_COLUMN = 'row_no';

/** A temporary table by name, qualified so a permanent table of the same name is never touched. */
export function temporaryTable(dialect: Dialect, name: string): string {
  return `${dialect === 'postgres' ? 'pg_temp' : 'temp'}.${q(name)}`;
}

export async function dropWorkTables(session: RunSession, step: string): Promise<void> {
  for (const name of Object.values(WORK_TABLES)) {
    await session.query({ sql: `drop table if exists ${temporaryTable(session.dialect, name)}`, params: [] }, step);
  }
}

/** Creates the work tables whose shape is known before the run (the output and arbitration input are created from queries). */
export async function createWorkTables(session: RunSession, step: string): Promise<void> {
  const d = session.dialect;
  const key = columnType(d, session.plan.tables.audience.keyType);
  const text = columnType(d, 'text');
  const number = columnType(d, 'number');
  const create = (name: string, columns: string) => session.query({ sql: `create temporary table ${q(name)} (${columns})`, params: [] }, step);
  await create(WORK_TABLES.assignments, `customer_key ${key}, offer ${text}, category ${text}, score ${number}, ${q('rank')} ${columnType(d, 'integer')}`);
  if (d === 'sqlite') {
    // The output stage reads assignments per customer; PostgreSQL and DuckDB hash-join instead.
    await session.query({ sql: `create index ${q(`${WORK_TABLES.assignments}_customer_key`)} on ${q(WORK_TABLES.assignments)} (customer_key)`, params: [] }, step);
  }
  await create(WORK_TABLES.rows, `${ROW_NUMBER_COLUMN} ${columnType(d, 'integer')}, ${columnDefinitions(d, session.plan.output.columns)}`);
}

/** `"name" type, …` for output columns (the rows table, and an output table created by a run). */
export function columnDefinitions(dialect: Dialect, columns: readonly OutputColumn[]): string {
  return columns.map((c) => `${q(c.name)} ${columnType(dialect, c.type)}`).join(', ');
}
