/**
 * The database side of `seg diff`: each side's query result goes into a
 * temporary table and the two are compared in SQL (EXCEPT for members, a full
 * join for strategy outcomes), so member lists never pass through JavaScript.
 * Callers run this inside a transaction, which keeps the temporary tables on
 * one connection.
 */
import { bindParameters, type BindContext, type CompiledQuery } from '@seg/compiler';
import type { Database } from '../db/database';
import { quoteIdentifier as q } from '../run/sql-text';
import { temporaryTable } from '../run/work-tables';

/** One side's query, and what to bind it with. */
export interface SideQuery {
  readonly query: CompiledQuery;
  readonly context: BindContext;
}

/** Members before and after (null when the rule is absent on that side) and the set differences. */
export interface SetComparison {
  readonly before: number | null;
  readonly after: number | null;
  /** In after, not in before. */
  readonly entered: number;
  /** In before, not in after. */
  readonly left: number;
}

export interface StrategyMove {
  readonly which: 'primary' | 'secondary';
  readonly from: string | null;
  readonly to: string | null;
  readonly customers: number;
}

const BEFORE = 'seg_diff_before';
const AFTER = 'seg_diff_after';

/** Compares the keys two member queries return (column `key`). */
export async function compareMembers(db: Database, before: SideQuery | undefined, after: SideQuery | undefined): Promise<SetComparison> {
  return withSides(db, before, after, async (b, a) => {
    const key = q('key');
    const count = (from: string) => `(select count(*) from ${from})`;
    const [row] = await db.query(
      `select ${count(b)} as ${q('before')}, ${count(a)} as ${q('after')},
        ${count(`(select ${key} from ${a} except select ${key} from ${b}) as e`)} as ${q('entered')},
        ${count(`(select ${key} from ${b} except select ${key} from ${a}) as l`)} as ${q('left')}`,
    );
    return {
      before: before ? Number(row!.before) : null,
      after: after ? Number(row!.after) : null,
      entered: Number(row!.entered),
      left: Number(row!.left),
    };
  });
}

/** The customers whose strategy outcome differs, grouped by (which, from, to), most customers first. */
export async function compareStrategies(db: Database, before: SideQuery | undefined, after: SideQuery | undefined): Promise<StrategyMove[]> {
  return withSides(db, before, after, async (b, a) => {
    const moves: StrategyMove[] = [];
    for (const which of ['primary', 'secondary'] as const) {
      const from = `b.${q(which)}`;
      const to = `a.${q(which)}`;
      // Outcomes are names, never '': coalescing to it compares a missing outcome too.
      const rows = await db.query(
        `select ${from} as ${q('from')}, ${to} as ${q('to')}, count(*) as ${q('n')}
          from ${b} as b full join ${a} as a on a.${q('key')} = b.${q('key')}
          where coalesce(${from}, '') <> coalesce(${to}, '')
          group by ${from}, ${to}`,
      );
      for (const row of rows) moves.push({ which, from: outcome(row.from), to: outcome(row.to), customers: Number(row.n) });
    }
    return moves.sort((x, y) => y.customers - x.customers || order(x, y));
  });
}

const outcome = (value: unknown) => (value === null || value === undefined ? null : String(value));
const label = (m: StrategyMove) => `${m.which} ${m.from ?? ''} ${m.to ?? ''}`;
const order = (x: StrategyMove, y: StrategyMove) => (label(x) < label(y) ? -1 : label(x) > label(y) ? 1 : 0);

/**
 * Materialises each side into a temporary table (an absent side as an empty
 * table shaped like the other) and hands their names to `compare`.
 */
async function withSides<T>(
  db: Database,
  before: SideQuery | undefined,
  after: SideQuery | undefined,
  compare: (before: string, after: string) => Promise<T>,
): Promise<T> {
  const d = db.dialect;
  const drop = async () => {
    for (const name of [BEFORE, AFTER]) await db.query(`drop table if exists ${temporaryTable(d, name)}`);
  };
  await drop();
  const create = (name: string, side: SideQuery) => db.query(`create temporary table ${q(name)} as ${side.query.sql}`, bindParameters(side.query.parameters, side.context));
  const shapedLike = (name: string, other: string) => db.query(`create temporary table ${q(name)} as select * from ${temporaryTable(d, other)} where 1 = 0`);
  if (before) await create(BEFORE, before);
  if (after) await create(AFTER, after);
  if (!before) await shapedLike(BEFORE, AFTER);
  if (!after) await shapedLike(AFTER, BEFORE);
  const result = await compare(temporaryTable(d, BEFORE), temporaryTable(d, AFTER));
  // On an error the caller's transaction rolls back, and the tables with it.
  await drop();
  return result;
}
