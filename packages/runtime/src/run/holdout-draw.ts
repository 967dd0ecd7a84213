/**
 * The holdout stage: every audience key with its draw (`isHeldOut`, computed
 * here because SQLite has no hash function), inserted into the run's audience
 * table with the plan's own insert statement, many rows per statement.
 */
import { isHeldOut } from '@seg/compiler';
import type { RunSession } from './run-session';

/** Rows per insert: 2 parameters each, far below every engine's limit. */
const BATCH_ROWS = 1000;

/** Inserts the audience with its holdout flags; returns how many are held out. */
export async function drawHoldout(session: RunSession, keys: readonly unknown[], options: { ignoreHoldout?: boolean } = {}): Promise<number> {
  const { plan } = session;
  const share = options.ignoreHoldout ? 0 : plan.holdout.share;
  const insert = multiRowInsert(plan.holdout.insert.sql, plan.holdout.insert.columns.length);
  let held = 0;
  for (let start = 0; start < keys.length; start += BATCH_ROWS) {
    const batch = keys.slice(start, start + BATCH_ROWS);
    const params: unknown[] = [];
    for (const key of batch) {
      const out = isHeldOut(plan.plan, key as string | number, share);
      if (out) held += 1;
      params.push(key, out);
    }
    if (insert) {
      await session.query({ sql: insert(batch.length), params }, 'holdout');
    } else {
      for (let i = 0; i < batch.length; i++) await session.query({ sql: plan.holdout.insert.sql, params: params.slice(2 * i, 2 * i + 2) }, 'holdout');
    }
    session.progress({ stage: 'holdout', done: start + batch.length, total: keys.length });
  }
  return held;
}

/**
 * `insert … values (?, ?)` → a function giving the statement for n rows
 * (`values (?, ?), (?, ?), …`; PostgreSQL's `$k` renumbered per row), or
 * undefined when the statement does not have that shape (then rows go one by one).
 */
export function multiRowInsert(sql: string, columns: number): ((rows: number) => string) | undefined {
  const match = /^([\s\S]*\bvalues\s*)\(([^()]*)\)\s*$/i.exec(sql);
  if (!match) return undefined;
  const [, head, tuple] = match as unknown as [string, string, string];
  const numbered = /\$\d+/.test(tuple);
  const cache = new Map<number, string>();
  return (rows) => {
    let text = cache.get(rows);
    if (text === undefined) {
      const tuples = Array.from({ length: rows }, (_, i) =>
        `(${numbered ? tuple.replace(/\$(\d+)/g, (_m, n: string) => `$${Number(n) + i * columns}`) : tuple})`,
      );
      text = head + tuples.join(', ');
      cache.set(rows, text);
    }
    return text;
  };
}
