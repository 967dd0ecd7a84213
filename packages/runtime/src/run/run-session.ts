/**
 * What every stage of a run works with: the run's transaction, the plan, the
 * values its statements bind, cancellation and progress. Every statement goes
 * through here, so an abort is noticed before the next one starts and a failing
 * statement is named in the run's error.
 */
import { bindParameters, type BindContext, type PlanStatement, type RankingPlan } from '@seg/compiler';
import type { Database, Row } from '../db/database';
import type { RunProgress } from './run-types';
import type { BoundSql } from './sql-text';

/** The run was aborted through its AbortSignal; recorded as failed with error "cancelled". */
export class RunCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'RunCancelled';
  }
}

/** A statement failed: the message names it (`candidates:winback_15: no such column …`). */
export class RunStepError extends Error {
  constructor(step: string, cause: unknown) {
    super(`${step}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RunStepError';
  }
}

export class RunSession {
  constructor(
    /** The run's transaction. */
    readonly db: Database,
    readonly plan: RankingPlan,
    readonly context: Required<BindContext>,
    private readonly signal?: AbortSignal,
    private readonly onProgress?: (progress: RunProgress) => void,
  ) {}

  get dialect(): Database['dialect'] {
    return this.db.dialect;
  }

  /** Throws RunCancelled once the signal is aborted: called before every statement. */
  checkAborted(): void {
    if (this.signal?.aborted) throw new RunCancelled();
  }

  /** Runs one of the plan's statements with its parameters bound for this run. */
  async run(statement: PlanStatement): Promise<Row[]> {
    return this.query({ sql: statement.sql, params: this.bind(statement) }, statement.id);
  }

  /** A plan statement as SQL plus values, to embed in a statement of the executor's own. */
  bound(statement: PlanStatement): BoundSql {
    return { sql: statement.sql, params: this.bind(statement) };
  }

  /** Runs a statement of the executor's own; `step` names it in errors. */
  async query(statement: BoundSql, step: string): Promise<Row[]> {
    // Let the event loop turn first: better-sqlite3 is synchronous, so without this a whole run is
    // one chain of microtasks and a signal handler (Ctrl-C, SIGTERM) could not abort it until the end.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.checkAborted();
    try {
      return await this.db.query(statement.sql, statement.params);
    } catch (error) {
      throw new RunStepError(step, error);
    }
  }

  /** The one number a `select count(*) as n …` returns. */
  async count(statement: BoundSql, step: string): Promise<number> {
    const [row] = await this.query(statement, step);
    return Number(row?.n ?? 0);
  }

  progress(progress: RunProgress): void {
    this.onProgress?.(progress);
  }

  private bind(statement: PlanStatement): unknown[] {
    return bindParameters(statement.parameters, this.context);
  }
}
