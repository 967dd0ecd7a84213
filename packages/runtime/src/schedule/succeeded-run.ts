import type { Database } from '../db/database';
import { ensureRunHistory } from '../run/run-history';
import { bound, quoteIdentifier } from '../run/sql-text';
import { RUN_HISTORY_TABLE } from '../runtime-tables';

/**
 * Whether a plan already has a committed run as of exactly this time
 * (`succeeded`, or `delivering`: committed, webhook batches pending). The
 * scheduler asks under the plan's lock, so a time another scheduler already
 * ran, or a missed time caught up before, is never run twice.
 */
export async function hasCommittedRun(db: Database, plan: string, asOf: Date): Promise<boolean> {
  await ensureRunHistory(db);
  const select = bound(db.dialect, (p) =>
    `select 1 as found from ${quoteIdentifier(RUN_HISTORY_TABLE)}
      where plan = ${p(plan)} and as_of = ${p(asOf.toISOString())} and status in ('succeeded', 'delivering') limit 1`,
  );
  return (await db.query(select.sql, select.params)).length > 0;
}
