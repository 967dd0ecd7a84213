/**
 * One run of a plan at a time, across processes and hosts: a lease row per
 * plan in `seg_locks`, taken atomically and renewed by a heartbeat.
 *
 * Every lock statement is its own short autocommit statement, never part of
 * the run's transaction: on SQLite the run holds the database's write lock
 * for its whole length, and a lock row written inside it would be invisible
 * (and unreleasable) to everyone else until it commits.
 *
 * A lock is stale — and may be taken over — when its holder is certainly gone:
 *  - same host, and its process no longer exists (a killed `seg run` frees the
 *    plan at once, without waiting for the lease);
 *  - same host and pid as ours but a token we do not hold (an earlier life of
 *    this pid, e.g. a restarted container whose scheduler is pid 1 again);
 *  - another host, and its lease has expired (no heartbeat for `leaseMs`).
 * A live process on this host keeps its lock even past its lease: on SQLite
 * the heartbeat cannot write while the run's own transaction holds the write
 * lock (and better-sqlite3 blocks the event loop during a long statement), so
 * an expired lease does not mean a dead holder there.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database, Dialect, Row } from '../db/database';
import { SegUserError } from '../errors';
import { PLAN_LOCK_TABLE } from '../runtime-tables';
import { bound, type BoundSql, quoteIdentifier } from './sql-text';

export interface PlanLockOptions {
  /** How long a lock lives without a heartbeat (default 60 s). */
  readonly leaseMs?: number;
  /** How often the holder renews its lease (default a third of the lease). */
  readonly heartbeatMs?: number;
}

/** Why a plan could not be locked: it is running elsewhere. */
export interface PlanBusy {
  readonly status: 'busy';
  readonly plan: string;
  /** What holds it (`seg run`, `seg schedule`, …), where: `host:pid`. */
  readonly holder: string;
  readonly host: string;
  readonly pid: number;
  /** ISO-8601 UTC. */
  readonly since: string;
  readonly expiresAt: string;
  /** "plan weekly_email is already running (since …, by seg schedule on host:pid)". */
  readonly message: string;
}

export type PlanLockOutcome<T> = { readonly status: 'acquired'; readonly value: T } | PlanBusy;

interface LockRow {
  readonly holder: string;
  readonly host: string;
  readonly pid: number | bigint | string;
  readonly token: string;
  readonly acquired_at: string;
  readonly expires_at: string;
}

const DEFAULT_LEASE_MS = 60_000;

/** Tokens of the locks this process holds now (to tell our own live locks from an earlier life's). */
const heldTokens = new Set<string>();

const LOCKS = quoteIdentifier(PLAN_LOCK_TABLE);

const CREATE_TABLE = `create table if not exists ${LOCKS} (
  plan text primary key,
  holder text not null,
  host text not null,
  pid integer not null,
  token text not null,
  acquired_at text not null,
  heartbeat_at text not null,
  expires_at text not null
)`;

/**
 * Runs `fn` while holding the lock of plan `plan`, or returns `PlanBusy`
 * without running it when a live holder has it. `holder` says what is running
 * the plan (e.g. "seg schedule"); the host and pid are added. `fn` receives a
 * signal that aborts if the lock is lost (taken over after an expired lease).
 * The lock is released when `fn` settles, whatever happens.
 */
export async function withPlanLock<T>(
  db: Database,
  plan: string,
  holder: string,
  fn: (lockLost: AbortSignal) => Promise<T>,
  options: PlanLockOptions = {},
): Promise<PlanLockOutcome<T>> {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.floor(leaseMs / 3));
  const q = lockStatements(db.dialect);
  await ensureLockTable(db);

  const token = randomUUID();
  const busy = await acquire(db, q, plan, holder, token, leaseMs);
  if (busy) return busy;
  heldTokens.add(token);

  const lost = new AbortController();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let beating: Promise<void> = Promise.resolve();
  const beat = async (): Promise<void> => {
    try {
      const now = Date.now();
      const renewed = await run(db, q.renew(plan, token, now, leaseMs));
      if (renewed.length === 0) {
        lost.abort(new SegUserError(`lost the lock of plan ${plan}: another process took it over`));
        return;
      }
    } catch {
      // A busy or briefly unreachable database: the next beat tries again, well within the lease.
    }
    if (!stopped) schedule();
  };
  const schedule = (): void => {
    timer = setTimeout(() => {
      beating = beat();
    }, heartbeatMs);
    // The heartbeat alone must not keep a finished process alive.
    timer.unref();
  };
  schedule();

  try {
    return { status: 'acquired', value: await fn(lost.signal) };
  } finally {
    stopped = true;
    clearTimeout(timer);
    await beating;
    heldTokens.delete(token);
    try {
      await run(db, q.release(plan, token));
    } catch {
      // Unreleasable now (database locked or gone): the row is stale anyway, since our token
      // is no longer held (same host) or its lease runs out (other hosts).
    }
  }
}

/** `host:pid` of this process, as lock rows and busy messages name it. */
export function lockHolderId(): string {
  return `${hostname()}:${process.pid}`;
}

async function acquire(
  db: Database,
  q: LockStatements,
  plan: string,
  holder: string,
  token: string,
  leaseMs: number,
): Promise<PlanBusy | undefined> {
  try {
    // Reading first keeps a contender from queueing for the write lock (SQLite) while a live holder runs.
    for (let attempt = 0; attempt < 5; attempt++) {
      const [row] = await run<LockRow>(db, q.read(plan));
      const now = Date.now();
      const values: LockValues = [holder, hostname(), process.pid, token, iso(now), iso(now), iso(now + leaseMs)];
      if (!row) {
        if ((await run(db, q.insert(plan, values))).length > 0) return undefined;
        continue; // another process inserted first: read who
      }
      if (!isStale(row, now)) return busy(plan, row);
      if ((await run(db, q.takeOver(plan, row.token, values))).length > 0) return undefined;
    }
    const [row] = await run<LockRow>(db, q.read(plan));
    if (row) return busy(plan, row);
  } catch (error) {
    throw lockError(plan, error);
  }
  throw new SegUserError(`cannot lock plan ${plan}: the lock keeps changing hands`);
}

function isStale(row: LockRow, now: number): boolean {
  const pid = Number(row.pid);
  if (row.host === hostname()) {
    if (pid === process.pid) return !heldTokens.has(row.token);
    if (Number.isInteger(pid) && pid > 0) return !processExists(pid);
  }
  return Date.parse(row.expires_at) <= now;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function busy(plan: string, row: LockRow): PlanBusy {
  const where = `${row.host}:${Number(row.pid)}`;
  return {
    status: 'busy',
    plan,
    holder: row.holder,
    host: row.host,
    pid: Number(row.pid),
    since: row.acquired_at,
    expiresAt: row.expires_at,
    message: `plan ${plan} is already running (since ${row.acquired_at}, by ${row.holder} on ${where})`,
  };
}

/** A database that refuses the lock statements (locked by another connection, gone) is the user's to fix. */
function lockError(plan: string, error: unknown): Error {
  if (error instanceof SegUserError) return error;
  const code = (error as { code?: unknown }).code;
  const reason = code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' ? 'the database is locked by another connection' : 'the database refused it';
  return new SegUserError(`cannot lock plan ${plan} for its run: ${reason} (${(error as Error).message})`, { cause: error });
}

async function ensureLockTable(db: Database): Promise<void> {
  try {
    await db.exec(CREATE_TABLE);
  } catch (error) {
    // Two processes creating it at once on PostgreSQL: one fails, but the table exists.
    try {
      await db.query(`select plan from ${LOCKS} where 1 = 0`);
    } catch {
      throw new SegUserError(`cannot create the lock table seg_locks: ${(error as Error).message}`, { cause: error });
    }
  }
}

const COLUMNS = 'holder, host, pid, token, acquired_at, heartbeat_at, expires_at';

/** A lock row's values, in COLUMNS order. */
type LockValues = readonly [holder: string, host: string, pid: number, token: string, acquiredAt: string, heartbeatAt: string, expiresAt: string];

function lockStatements(dialect: Dialect) {
  return {
    read: (plan: string) => bound(dialect, (p) => `select ${COLUMNS} from ${LOCKS} where plan = ${p(plan)}`),
    insert: (plan: string, values: LockValues) =>
      bound(dialect, (p) =>
        `insert into ${LOCKS} (plan, ${COLUMNS}) values (${p(plan)}, ${values.map((v) => p(v)).join(', ')})
         on conflict (plan) do nothing returning token`,
      ),
    // Conditional on the token read: of two contenders taking over one stale lock, one wins.
    takeOver: (plan: string, staleToken: string, v: LockValues) =>
      bound(dialect, (p) =>
        `update ${LOCKS} set holder = ${p(v[0])}, host = ${p(v[1])}, pid = ${p(v[2])}, token = ${p(v[3])},
           acquired_at = ${p(v[4])}, heartbeat_at = ${p(v[5])}, expires_at = ${p(v[6])}
         where plan = ${p(plan)} and token = ${p(staleToken)} returning token`,
      ),
    renew: (plan: string, token: string, now: number, leaseMs: number) =>
      bound(dialect, (p) =>
        `update ${LOCKS} set heartbeat_at = ${p(iso(now))}, expires_at = ${p(iso(now + leaseMs))}
         where plan = ${p(plan)} and token = ${p(token)} returning token`,
      ),
    release: (plan: string, token: string) => bound(dialect, (p) => `delete from ${LOCKS} where plan = ${p(plan)} and token = ${p(token)}`),
  };
}

type LockStatements = ReturnType<typeof lockStatements>;

async function run<T = Row>(db: Database, statement: BoundSql): Promise<T[]> {
  return db.query<T>(statement.sql, statement.params);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
