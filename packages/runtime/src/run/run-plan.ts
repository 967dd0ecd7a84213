/**
 * The plan executor: runs one compiled ranking plan as of one time, in the
 * order of its stages, inside ONE transaction (one connection: the work tables
 * are temporary), and records the run in `seg_runs` whatever happens.
 *
 *   record `running` ─► transaction { setup ─► audience ─► holdout ─► facts ─► catalogue
 *     ─► candidates ─► arbitration (SQL) ─► output ─► membership ─► contacts, counts ─► cleanup }
 *   ─► commit ─► (after-commit step: a CSV's rename) ─► `succeeded`
 *
 * Any error (or an aborted signal, checked before every statement) rolls the
 * whole run back and records it `failed` with a one-line reason: the output
 * table, contacts and memberships change together or not at all.
 */
import { randomUUID } from 'node:crypto';
import { RANKING_PLAN_FORMAT, type PlanStage, type RankingPlan, type StageName } from '@seg/compiler';
import type { Database } from '../db/database';
import { SegUserError } from '../errors';
import { drawHoldout, insertAudience } from './holdout-draw';
import { appendContacts, countSuppressed, storeMemberships } from './run-effects';
import { ensureRunHistory, recordOfferCounts, previousSucceededRun, readRun, recordRunCounts, recordRunFailure, recordRunStart, recordRunStatus, type RunCounts } from './run-history';
import { createRunOutput, describeTarget, outputTarget, type RunOutput } from './run-output';
import { buildRunRows, type RunValues } from './run-rows';
import { RunCancelled, RunSession } from './run-session';
import type { RunOptions, RunRecord } from './run-types';
import { arbitrateInSql } from './sql-arbitration';
import { quoteIdentifier as q } from './sql-text';
import { createWorkTables, dropWorkTables, WORK_TABLES } from './work-tables';

const STAGE_ORDER: readonly StageName[] = ['setup', 'audience', 'holdout', 'facts', 'catalogue', 'candidates', 'arbitration', 'output', 'membership', 'cleanup'];

/**
 * Runs `plan` on `db` as of `options.asOf` and resolves to the run's record —
 * status `succeeded`, or `failed` with the reason (a failed run does not
 * reject). Rejects only when the run cannot even be recorded.
 *
 * @example
 *   const record = await runPlan(db, compilePlan(ws, 'weekly_email', db.dialect), { asOf: new Date('2026-11-23T00:00:00Z') });
 *   if (record.status === 'failed') console.error(record.error);
 */
export async function runPlan(db: Database, plan: RankingPlan, options: RunOptions): Promise<RunRecord> {
  checkPlan(db, plan);
  const now = options.now ?? (() => new Date());
  const runId = options.runId ?? randomUUID();
  const cwd = options.cwd ?? process.cwd();
  const target = outputTarget(plan, options.output);
  const run: RunValues = { runId, plan: plan.plan, asOf: options.asOf };

  try {
    await recordRunStart(db, { ...run, startedAt: now(), sourceHash: plan.sourceHash, output: describeTarget(target, cwd) });
  } catch (error) {
    throw new SegUserError(`cannot record the run of ${plan.plan} in seg_runs: ${oneLine(error)}`, { cause: error });
  }

  let output: RunOutput | undefined;
  try {
    output = createRunOutput(target, { cwd, runId, db, ...(options.signal ? { signal: options.signal } : {}) });
    const writer = output;
    const previousRunId = await previousSucceededRun(db, plan.plan, options.asOf);
    await db.transaction(async (tx) => {
      const context = { asOf: options.asOf, timeZone: plan.timezone, plan: plan.plan, runId, previousRunId };
      const session = new RunSession(tx, plan, context, options.signal, options.onProgress);
      const counts = await executeStages(session, writer, run, options);
      const status = writer.committedStatus ?? (writer.afterCommit ? undefined : 'succeeded');
      await recordRunCounts(tx, runId, counts, status ? { status, finishedAt: now() } : undefined);
      // The last moment to cancel: nothing is committed yet.
      session.checkAborted();
    });
    if (writer.afterCommit) {
      const status = await writer.afterCommit();
      await recordRunStatus(db, runId, status ?? 'succeeded', now());
    }
  } catch (error) {
    await output?.discard?.();
    const reason = runErrorMessage(error);
    try {
      await recordRunFailure(db, runId, reason, now());
    } catch (recordError) {
      throw new SegUserError(`run of ${plan.plan} failed (${reason}) and the failure could not be recorded in seg_runs: ${oneLine(recordError)}`, {
        cause: recordError,
      });
    }
  }

  const record = await readRun(db, runId);
  if (!record) throw new SegUserError(`the run ${runId} of ${plan.plan} is missing from seg_runs`);
  return record;
}

function checkPlan(db: Database, plan: RankingPlan): void {
  if (plan.format !== RANKING_PLAN_FORMAT) {
    throw new SegUserError(`this ranking plan has format "${String(plan.format)}"; this runtime runs "${RANKING_PLAN_FORMAT}" (recompile it)`);
  }
  if (plan.dialect !== db.dialect) {
    throw new SegUserError(`plan ${plan.plan} was compiled for ${plan.dialect} but the database is ${db.dialect}`);
  }
  const stages = plan.stages.map((s) => s.stage).join(',');
  if (stages !== STAGE_ORDER.join(',')) {
    throw new SegUserError(`plan ${plan.plan} has stages ${stages}; this runtime runs ${STAGE_ORDER.join(', ')} (recompile it)`);
  }
}

/** Ends a dry run's transaction: everything it did is rolled back. */
class DryRunFinished extends Error {}

/**
 * Runs the plan's stages up to and including arbitration inside a transaction
 * that is then rolled back, and hands the session — with the work tables as the
 * run would have them — to `inspect` (`seg explain KEY PLAN`). Nothing is
 * recorded and nothing is written.
 */
export async function inspectPlanRun<T>(
  db: Database,
  plan: RankingPlan,
  options: Pick<RunOptions, 'asOf' | 'ignoreHoldout'>,
  inspect: {
    /** With the candidates as scored, before arbitration takes its pick (it consumes them). */
    readonly beforeArbitration: (session: RunSession) => Promise<void>;
    /** With the arbitration's assignments. */
    readonly afterArbitration: (session: RunSession) => Promise<T>;
  },
): Promise<T> {
  return dryRun(db, plan, options, async (session, stages) => {
    await stages({ through: 'candidates' });
    await inspect.beforeArbitration(session);
    await stages({ from: 'arbitration', through: 'arbitration' });
    return inspect.afterArbitration(session);
  });
}

/**
 * Like `inspectPlanRun`, but stops once the candidates are scored, before any
 * arbitration (`seg diff`: how many customers each offer reaches).
 */
export async function inspectPlanCandidates<T>(
  db: Database,
  plan: RankingPlan,
  options: Pick<RunOptions, 'asOf' | 'ignoreHoldout'>,
  inspect: (session: RunSession) => Promise<T>,
): Promise<T> {
  return dryRun(db, plan, options, async (session, stages) => {
    await stages({ through: 'candidates' });
    return inspect(session);
  });
}

type StageRange = { readonly from?: StageName; readonly through?: StageName };

/** Runs `body` in a transaction that is always rolled back, with the run's session and a way to run its stages. */
async function dryRun<T>(
  db: Database,
  plan: RankingPlan,
  options: Pick<RunOptions, 'asOf' | 'ignoreHoldout'>,
  body: (session: RunSession, stages: (range: StageRange) => Promise<unknown>) => Promise<T>,
): Promise<T> {
  checkPlan(db, plan);
  const runId = `explain-${randomUUID()}`;
  // As the real run would see it: `entered()`/`left()` compare with the last successful run.
  await ensureRunHistory(db);
  const previousRunId = await previousSucceededRun(db, plan.plan, options.asOf);
  let result: { value: T } | undefined;
  try {
    await db.transaction(async (tx) => {
      const session = new RunSession(tx, plan, { asOf: options.asOf, timeZone: plan.timezone, plan: plan.plan, runId, previousRunId });
      const output = createRunOutput({ kind: 'none' }, { cwd: '.', runId, db });
      const run = { runId, plan: plan.plan, asOf: options.asOf };
      result = { value: await body(session, (range) => executeStages(session, output, run, options, range)) };
      throw new DryRunFinished();
    });
  } catch (error) {
    if (!(error instanceof DryRunFinished)) throw error;
  }
  return result!.value;
}

/** The stages in the plan's order (or those from `range.from` through `range.through`); resolves to the run's counts. */
async function executeStages(
  session: RunSession,
  output: RunOutput,
  run: RunValues,
  options: Pick<RunOptions, 'ignoreHoldout'>,
  range: StageRange = {},
): Promise<RunCounts> {
  const counts = { audience: 0, holdout: 0, suppressed: 0, rows: 0 };
  const runAll = async (stage: PlanStage) => {
    for (const [i, statement] of stage.statements.entries()) {
      await session.run(statement);
      session.progress({ stage: stage.stage, done: i + 1, total: stage.statements.length, message: statement.id });
    }
  };
  const handlers: Record<StageName, (stage: PlanStage) => Promise<void>> = {
    setup: async (stage) => {
      await runAll(stage);
      await dropWorkTables(session, 'setup');
      await createWorkTables(session, 'setup');
    },
    audience: async (stage) => {
      counts.audience = await insertAudience(session, stage);
    },
    holdout: async () => {
      counts.holdout = await drawHoldout(session, counts.audience, { ignoreHoldout: options.ignoreHoldout });
    },
    facts: async (stage) => {
      await runAll(stage);
      counts.suppressed = await countSuppressed(session);
    },
    catalogue: runAll,
    candidates: runAll,
    arbitration: async () => {
      await arbitrateInSql(session);
      counts.rows = await session.count({ sql: `select count(*) as n from ${q(WORK_TABLES.assignments)}`, params: [] }, 'arbitration');
    },
    output: async () => {
      if (output.kind === 'none') return;
      const rows = await buildRunRows(session, run);
      await output.write(session, { ...run, rows });
    },
    membership: (stage) => storeMemberships(session, stage, run.runId),
    cleanup: async (stage) => {
      // The last uses of the assignments before the work tables go.
      await appendContacts(session, run);
      await recordOfferCounts(session.db, run.runId, WORK_TABLES.assignments);
      await runAll(stage);
      await dropWorkTables(session, 'cleanup');
    },
  };
  const stages = session.plan.stages;
  const from = range.from ? stages.findIndex((s) => s.stage === range.from) : 0;
  for (const stage of stages.slice(from)) {
    session.progress({ stage: stage.stage, done: 0, total: stage.statements.length, message: stage.description });
    await handlers[stage.stage](stage);
    if (stage.stage === range.through) break;
  }
  return counts;
}

/** What `seg_runs.error` says: one line, no stack. */
function runErrorMessage(error: unknown): string {
  if (error instanceof RunCancelled) return 'cancelled';
  return oneLine(error);
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? 'unknown error';
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}
