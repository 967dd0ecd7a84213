/**
 * `output table NAME`: the run's rows inserted in SQL (insert … select) into a
 * table of the user's database, created on first use with the output schema.
 * Rows of an earlier run of the same plan and as-of are replaced, so re-running
 * never duplicates; all of it commits (or not) with the run.
 */
import { SegUserError } from '../errors';
import { tableColumns } from '../introspect/table-columns';
import { RUNTIME_TABLES } from '../runtime-tables';
import type { OutputRows, RunOutput } from './run-output';
import type { RunSession } from './run-session';
import { bound, quoteIdentifier as q, timestampParam } from './sql-text';
import { columnDefinitions, ROW_NUMBER_COLUMN, WORK_TABLES } from './work-tables';

export class TableOutput implements RunOutput {
  readonly kind = 'table' as const;

  constructor(readonly target: string) {}

  async write(session: RunSession, run: OutputRows): Promise<void> {
    const { plan, db } = session;
    const table = this.target;
    const reserved = [...RUNTIME_TABLES, ...Object.values(WORK_TABLES), plan.tables.runAudience, plan.tables.facts, plan.tables.candidates];
    if (reserved.includes(table)) throw new SegUserError(`output table "${table}" is one of Seg's own tables: name another table`);

    const columns = plan.output.columns;
    await session.query({ sql: `create table if not exists ${q(table)} (${columnDefinitions(session.dialect, columns)})`, params: [] }, 'output:table');
    const existing = new Set(await tableColumns(db, table));
    const missing = columns.filter((c) => !existing.has(c.name)).map((c) => c.name);
    if (missing.length > 0) {
      throw new SegUserError(
        `output table "${table}" already exists without the column${missing.length === 1 ? '' : 's'} ${missing.join(', ')}: ` +
          `it holds something else — name another table in plan ${plan.plan}, or drop it`,
      );
    }

    const replace = bound(session.dialect, (p) => `delete from ${q(table)} where ${q('plan')} = ${p(run.plan)} and ${q('as_of')} = ${timestampParam(p, run.asOf)}`);
    await session.query(replace, 'output:table');
    const list = columns.map((c) => q(c.name)).join(', ');
    await session.query(
      { sql: `insert into ${q(table)} (${list}) select ${list} from ${q(WORK_TABLES.rows)} order by ${ROW_NUMBER_COLUMN}`, params: [] },
      'output:table',
    );
  }
}
