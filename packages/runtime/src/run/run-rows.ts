/**
 * A run's output rows, built in SQL into the rows work table: one row per
 * (customer, offer) assignment with its rank and score, the customer's output
 * columns (strategy, extra metrics) from the plan's output query, and one row
 * per holdout customer flagged `holdout` with no offer. Outputs read them from
 * there — a table with one insert … select, a file or a webhook page by page.
 */
import type { OutputColumn, PlanStatement } from '@seg/compiler';
import type { Row } from '../db/database';
import type { RunSession } from './run-session';
import { bound, quoteIdentifier as q, timestampParam, type Binder } from './sql-text';
import { ROW_NUMBER_COLUMN, WORK_TABLES } from './work-tables';

export interface RunValues {
  readonly runId: string;
  readonly plan: string;
  readonly asOf: Date;
}

/** Fills the rows work table; returns how many rows it holds. */
export async function buildRunRows(session: RunSession, run: RunValues): Promise<number> {
  const output = outputStatement(session);
  const { sql, params } = session.bound(output);
  await session.query({ sql: `create temporary table ${q(WORK_TABLES.output)} as ${sql}`, params }, output.id);

  const columns = session.plan.output.columns;
  const keyOrder = session.dialect === 'postgres' && session.plan.tables.audience.keyType === 'text' ? 'o.customer_key collate "C"' : 'o.customer_key';
  const insert = bound(session.dialect, (p) => {
    const values = columns.map((column) => columnValue(column, p, run));
    return `insert into ${q(WORK_TABLES.rows)} (${ROW_NUMBER_COLUMN}, ${columns.map((c) => q(c.name)).join(', ')})
      select row_number() over (order by ${keyOrder}, coalesce(a.${q('rank')}, 0)), ${values.join(', ')}
      from ${q(WORK_TABLES.output)} as o left join ${q(WORK_TABLES.assignments)} as a on a.customer_key = o.customer_key
      where o.holdout or a.customer_key is not null`;
  });
  await session.query(insert, 'output:rows');
  return session.count({ sql: `select count(*) as n from ${q(WORK_TABLES.rows)}`, params: [] }, 'output:rows');
}

function columnValue(column: OutputColumn, p: Binder, run: RunValues): string {
  switch (column.from) {
    case 'run':
      if (column.source === 'runId') return p(run.runId, 'text');
      if (column.source === 'plan') return p(run.plan, 'text');
      if (column.source === 'asOf') return timestampParam(p, run.asOf);
      break;
    case 'arbitration':
      // Holdout rows have no assignment but do have a customer.
      return column.source === 'customer_key' ? 'o.customer_key' : `a.${q(column.source)}`;
    case 'facts':
      return `o.${q(column.source)}`;
  }
  throw new Error(`internal: output column ${column.name} comes from unknown ${column.from}.${column.source}`);
}

function outputStatement(session: RunSession): PlanStatement {
  const statement = session.plan.stages.find((s) => s.stage === 'output')?.statements[0];
  if (!statement) throw new Error('internal: the plan has no output statement');
  return statement;
}

/**
 * The output rows in order, a page at a time (keyset on the row number, so
 * memory stays bounded), with values shaped by the output schema: booleans as
 * booleans and integers as numbers on every engine.
 */
export async function* readRunRows(session: RunSession, pageSize = 5000): AsyncGenerator<Row[]> {
  const columns = session.plan.output.columns;
  const list = columns.map((c) => q(c.name)).join(', ');
  let after = 0;
  for (;;) {
    const page = bound(session.dialect, (p) =>
      `select ${ROW_NUMBER_COLUMN}, ${list} from ${q(WORK_TABLES.rows)} where ${ROW_NUMBER_COLUMN} > ${p(after)}
        order by ${ROW_NUMBER_COLUMN} limit ${pageSize}`,
    );
    const rows = await session.query(page, 'output:read');
    if (rows.length === 0) return;
    after = Number(rows[rows.length - 1]![ROW_NUMBER_COLUMN]);
    yield rows.map((row) => shapeRow(row, columns));
    if (rows.length < pageSize) return;
  }
}

function shapeRow(row: Row, columns: readonly OutputColumn[]): Row {
  const shaped: Row = {};
  for (const column of columns) {
    const value = row[column.name];
    if (value === null || value === undefined) shaped[column.name] = null;
    else if (column.type === 'bool') shaped[column.name] = value === true || value === 1 || value === 1n;
    else if (column.type === 'integer' || column.type === 'number') shaped[column.name] = typeof value === 'bigint' ? Number(value) : value;
    else shaped[column.name] = value;
  }
  return shaped;
}
