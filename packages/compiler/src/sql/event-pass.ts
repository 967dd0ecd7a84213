/**
 * One grouped pass over an event table: every aggregate a query needs from
 * `orders` becomes a column of ONE `group by customer` subquery, with the
 * window and `where` of each aggregate inside a conditional aggregate:
 *
 *   select "orders"."customer_id" as "key",
 *          count(*) as "orders:count",
 *          sum(case when <window> and <where> then "orders"."total" end) as "orders:sum_total"
 *   from "orders" where <time> < <as-of> group by "orders"."customer_id"
 *
 * Links used in `where` become joins inside the pass; the event time comes
 * through the table's `timeSource` (an order line's time is its order's).
 * Events at or after the as-of time are filtered out once, in the WHERE.
 *
 * `first`/`last` of a field other than the event time need the value at the
 * earliest/latest event, which a plain GROUP BY cannot pick on every engine:
 * each becomes a small "pick" pass of its own (ties: the least value for
 * `first`, the greatest for `last`).
 */
import { sql } from 'kysely';
import type { CheckedWorkspace, IrExpr, TableDef, TimePoint } from '@seg/core';
import type { Dialect, Sql } from '../dialect/dialect';
import { RowJoins, fieldOf } from './row-joins';
import { AS_OF, compileExpr, windowCondition, type ExprScope, type LeafExpr, type SqlExpr } from './sql-expr';
import { signature as irKey } from '../ir/ir-walk';
import { id, raw } from './fragments';
import { joinSql, selectSql, tableAs } from './select-sql';

export type AggregateExpr = Extract<IrExpr, { kind: 'aggregate' }>;

/** A row the pass joins on the customer key to read customer-level values (a layer, or a plan's facts). */
export interface OuterRow {
  /** The table or CTE name. */
  readonly source: string;
  readonly alias: string;
  /** Column of that row holding the audience key. */
  readonly keyColumn: string;
  /** Resolves customer-level leaves (metrics, segments, audience fields…) against `alias`. */
  leaf(expr: LeafExpr): SqlExpr;
}

/** A family's catalogue row, for aggregates whose `where` reads `offer.x`. */
export interface OfferRow {
  readonly table: TableDef;
  readonly alias: string;
}

interface PassColumn {
  readonly name: string;
  readonly agg: AggregateExpr;
  /** Which events the aggregate counts (window and where), if not all of them. */
  readonly cond: Sql | undefined;
  readonly conditionKey: string;
}

/** The pass-level shape of an aggregate, used to share columns between identical aggregates. */
function aggregateSignature(agg: AggregateExpr): string {
  const fn = agg.fn === 'any' || agg.fn === 'none' ? 'count' : agg.fn;
  return `${fn}|${agg.field ? irKey(agg.field) : ''}|${agg.window ? irKey(agg.window) : ''}|${agg.where ? irKey(agg.where) : ''}`;
}

/** The column names of the passes of one query: `orders:count`, then `orders:count_2`, … */
export class ColumnNames {
  private readonly taken = new Set<string>();
  /** The lowest `_n` that may still be free, by stem: names are never given back, so it only grows. */
  private readonly nextSuffix = new Map<string, number>();

  /** `stem` itself if free, else `stem_n` with the lowest free n ≥ 2. */
  take(stem: string): string {
    let name = stem;
    if (this.taken.has(name)) {
      let n = this.nextSuffix.get(stem) ?? 2;
      while (this.taken.has(`${stem}_${n}`)) n++;
      this.nextSuffix.set(stem, n + 1);
      name = `${stem}_${n}`;
    }
    this.taken.add(name);
    return name;
  }
}

export class EventPass {
  readonly joins: RowJoins;
  private readonly columns = new Map<string, PassColumn>();
  private readonly conditions: Sql[] = [];
  private usesOuter = false;

  readonly source: TableDef;
  readonly cteName: string;
  /** The audience layer this pass is joined into (0 unless `where` reads metrics or segments). */
  readonly level: number;
  readonly offer?: OfferRow;
  private readonly outer?: OuterRow;
  private readonly offerJoins?: RowJoins;
  /** For pick passes: the single first/last aggregate this pass computes. */
  private readonly pick?: AggregateExpr;
  /** Column names taken across every pass of a query, so carried columns never clash. */
  private readonly names: ColumnNames;
  private unconditional = false;

  constructor(
    ws: CheckedWorkspace,
    private readonly dialect: Dialect,
    options: {
      source: TableDef;
      cteName: string;
      level: number;
      names: ColumnNames;
      outer?: OuterRow;
      offer?: OfferRow;
      pick?: AggregateExpr;
    },
  ) {
    this.source = options.source;
    this.cteName = options.cteName;
    this.level = options.level;
    this.names = options.names;
    this.outer = options.outer;
    this.offer = options.offer;
    this.pick = options.pick;
    const inner = new Set<string>();
    const pathToAudience = this.source.audiencePath ?? [];
    for (let i = 1; i <= pathToAudience.length; i++) inner.add(pathToAudience.slice(0, i).join('.'));
    const timePath = this.source.timeSource?.path ?? [];
    for (let i = 1; i <= timePath.length; i++) inner.add(timePath.slice(0, i).join('.'));
    this.joins = new RowJoins(ws, dialect, this.source, this.source.name, inner);
    if (this.offer) this.offerJoins = new RowJoins(ws, dialect, this.offer.table, this.offer.alias);
  }

  /** Whether this pass computes exactly one picked first/last value. */
  get isPick(): boolean {
    return this.pick !== undefined;
  }

  /** The audience key of an event row: the link column at the end of the table's audience path. */
  keySql(): Sql {
    const path = this.source.audiencePath ?? [];
    if (path.length === 0) throw new Error(`internal: ${this.source.name} does not lead to the audience`);
    return this.joins.column(path.slice(0, -1), path[path.length - 1]!);
  }

  /** The event time in the engine representation, or undefined for a timeless table. */
  timeSql(): SqlExpr | undefined {
    const ts = this.source.timeSource;
    return ts ? this.joins.value(ts.path, ts.field) : undefined;
  }

  /** `time < as-of`: events at or after the as-of time are never seen. */
  private beforeAsOf(t: SqlExpr): Sql {
    return sql`${t.sql} < ${t.textTime ? this.dialect.textTimeParam(AS_OF, 'up') : this.dialect.timeParam(AS_OF)}`;
  }

  private scope(): ExprScope {
    return {
      dialect: this.dialect,
      leaf: (expr) => {
        if (expr.kind === 'field' && expr.scope === 'event') return this.joins.value(expr.path, expr.field);
        if (expr.kind === 'field' && expr.scope === 'offer') {
          if (!this.offerJoins) throw new Error('internal: `offer.` outside an offer family');
          return this.offerJoins.value(expr.path, expr.field);
        }
        if (expr.kind === 'field' && expr.scope === 'audience' && !this.outer) {
          // Reach the customer row through the event's own links.
          return this.joins.value([...(this.source.audiencePath ?? []), ...expr.path], expr.field);
        }
        if (!this.outer) throw new Error(`internal: ${expr.kind} inside an aggregate needs the customer row`);
        this.usesOuter = true;
        return this.outer.leaf(expr);
      },
    };
  }

  /** The condition under which an event counts for `agg` (window and where), or undefined for all events. */
  private condition(agg: AggregateExpr, passStart?: string): Sql | undefined {
    const parts: Sql[] = [];
    // A window start the whole pass already filters on needs no test of its own.
    const window = agg.window && passStart !== undefined && JSON.stringify(agg.window.start) === passStart ? { ...agg.window, start: undefined } : agg.window;
    if (window && (window.start || window.end)) {
      const t = this.timeSql();
      if (!t) throw new Error(`internal: window over ${this.source.name}, which has no time`);
      parts.push(windowCondition(t, window, this.dialect, false));
    }
    if (agg.where) {
      const where = compileExpr(agg.where, this.scope());
      parts.push(where.sql);
    }
    if (parts.length === 0) return undefined;
    return parts.length === 1 ? parts[0]! : sql`(${sql.join(parts, raw(' and '))})`;
  }

  private value(agg: AggregateExpr): Sql {
    if (!agg.field) throw new Error(`internal: ${agg.fn} needs a field`);
    return this.joins.value(agg.field.path, agg.field.field).sql;
  }

  /** Whether min/max/first/last of this aggregate is `isoUtcSeconds` text (see `readField`). */
  resultIsTextTime(agg: AggregateExpr): boolean {
    if (!agg.field || !['min', 'max', 'first', 'last'].includes(agg.fn)) return false;
    return this.joins.value(agg.field.path, agg.field.field).textTime === true;
  }

  /** Whether `first`/`last` of this aggregate is simply the earliest/latest event time. */
  static picksEventTime(source: TableDef, agg: AggregateExpr): boolean {
    const ts = source.timeSource;
    return (
      !!ts && !!agg.field && agg.field.field === ts.field && JSON.stringify(agg.field.path) === JSON.stringify(ts.path)
    );
  }

  /** Adds an aggregate (or finds the identical one already there) and returns its column name. */
  add(agg: AggregateExpr): string {
    const signature = aggregateSignature(agg);
    const existing = this.columns.get(signature);
    if (existing) return existing.name;
    const name = this.uniqueName(agg);
    const cond = this.condition(agg);
    if (cond) this.conditions.push(cond);
    else this.unconditional = true;
    const conditionKey = `${agg.window ? irKey(agg.window) : ''}|${agg.where ? irKey(agg.where) : ''}`;
    this.columns.set(signature, { name, agg, cond, conditionKey });
    return name;
  }

  /** The aggregate call, counting only events where `cond` holds (undefined: every event of the pass). */
  private aggregateSql(agg: AggregateExpr, cond: Sql | undefined): Sql {
    const when = (value: Sql) => (cond ? sql`case when ${cond} then ${value} end` : value);
    switch (agg.fn) {
      case 'count':
      case 'any':
      case 'none':
        return cond ? sql`count(case when ${cond} then 1 end)` : sql`count(*)`;
      case 'sum':
      case 'avg':
      case 'min':
      case 'max':
        return sql`${raw(agg.fn)}(${when(this.value(agg))})`;
      case 'distinct':
        return sql`count(distinct ${when(this.value(agg))})`;
      case 'first':
      case 'last': {
        const fn = raw(agg.fn === 'first' ? 'min' : 'max');
        if (this.pick) return sql`${fn}(${id('picked', 'value')})`;
        if (!EventPass.picksEventTime(this.source, agg)) throw new Error('internal: first/last of a field needs a pick pass');
        return sql`${fn}(${when(this.timeSql()!.sql)})`;
      }
    }
  }

  /**
   * When every aggregate of the pass counts the same events (one window and `where`),
   * that condition filters the rows once in WHERE instead of once per aggregate.
   */
  private sharedCondition(): Sql | undefined {
    const columns = [...this.columns.values()];
    const keys = new Set(columns.map((c) => c.conditionKey));
    return keys.size === 1 && columns[0]!.cond && !this.offer ? columns[0]!.cond : undefined;
  }

  private uniqueName(agg: AggregateExpr): string {
    const base = `${this.source.name}:${agg.fn === 'any' || agg.fn === 'none' ? 'count' : agg.fn}${agg.field ? `_${[...agg.field.path, agg.field.field].join('_')}` : ''}`;
    const stem = this.offer ? `${base}@offer` : base;
    return this.names.take(stem);
  }

  get columnNames(): string[] {
    return [...this.columns.values()].map((c) => c.name);
  }

  /** The events `agg` counts, for one customer: the body of an EXISTS probe. */
  existsQuery(agg: AggregateExpr, customerKey: Sql): Sql {
    const key = this.keySql();
    const t = this.timeSql();
    const cond = this.condition(agg);
    const where = [sql`${key} = ${customerKey}`];
    if (t) where.push(this.beforeAsOf(t));
    if (cond) where.push(cond);
    return selectSql({ select: [sql`1 as ${id('found')}`], from: tableAs(this.source.sqlName, this.source.name), joins: this.joinsSql(key, undefined), where });
  }

  /** Events before the as-of time (every pass), plus the outer row join when `where` read it. */
  /** Whether some aggregate of the pass reads events without a window start (so the pass reads all history). */
  get readsAllHistory(): boolean {
    return [...this.columns.values()].some((c) => !c.agg.window?.start);
  }

  build(): Sql {
    const key = this.keySql();
    const t = this.timeSql();
    const offerKey = this.offer ? id(this.offer.alias, fieldOf(this.offer.table, this.offer.table.key!).column) : undefined;
    if (this.pick) return this.buildPick(key, t!, offerKey);

    const selects: Sql[] = [sql`${key} as ${id('key')}`];
    if (offerKey) selects.push(sql`${offerKey} as ${id('offer_key')}`);
    const wheres: Sql[] = [];
    if (t) wheres.push(this.beforeAsOf(t));
    const shared = this.sharedCondition();
    const columns = [...this.columns.values()];
    // When every aggregate looks back from some start, only events after the earliest start are read.
    const starts = [...new Map(columns.map((c) => [JSON.stringify(c.agg.window?.start ?? null), c.agg.window?.start])).entries()];
    const bounded = !shared && !this.offer && t !== undefined && starts.every(([, start]) => start !== undefined);
    if (bounded) {
      const param = (p: TimePoint) => (t.textTime ? this.dialect.textTimeParam(p, 'up') : this.dialect.timeParam(p));
      const points = starts.map(([, start]) => param(start!));
      wheres.push(sql`${t.sql} >= ${points.length === 1 ? points[0]! : this.dialect.least(points)}`);
    }
    const passStart = bounded && starts.length === 1 ? starts[0]![0] : undefined;
    for (const column of columns) {
      const cond = shared ? undefined : passStart !== undefined ? this.condition(column.agg, passStart) : column.cond;
      selects.push(sql`${this.aggregateSql(column.agg, cond)} as ${id(column.name)}`);
    }
    if (shared) wheres.push(shared);
    return selectSql({
      select: selects,
      from: tableAs(this.source.sqlName, this.source.name),
      joins: this.joinsSql(key, offerKey),
      where: wheres,
      groupBy: offerKey ? [key, offerKey] : [key],
    });
  }

  private joinsSql(key: Sql, offerKey: Sql | undefined): Sql[] {
    // Joins are known only once every aggregate has been compiled: read them now.
    const joins = this.joins.joins.map((join) => joinSql(join.inner ? 'inner join' : 'left join', tableAs(join.table, join.alias), join.on));
    if (this.outer && (this.usesOuter || this.offer)) {
      joins.push(joinSql('inner join', tableAs(this.outer.source, this.outer.alias), sql`${id(this.outer.alias, this.outer.keyColumn)} = ${key}`));
    }
    if (this.offer && offerKey) {
      // Only pairs (event, catalogue row) that some aggregate counts: the OR of their conditions.
      const on = this.conditions.length > 0 && !this.unconditional ? sql`(${sql.join(this.conditions, raw(' or '))})` : this.dialect.bool(true);
      joins.push(joinSql('inner join', tableAs(this.offer.table.sqlName, this.offer.alias), on));
      for (const join of this.offerJoins?.joins ?? []) joins.push(joinSql('left join', tableAs(join.table, join.alias), join.on));
    }
    return joins;
  }

  /** `first`/`last` of a field: the events at the earliest/latest time, then the least/greatest value. */
  private buildPick(key: Sql, time: SqlExpr, offerKey: Sql | undefined): Sql {
    const t = time.sql;
    const agg = this.pick!;
    const cond = this.condition(agg);
    const value = this.value(agg);
    const partition = offerKey ? sql`${key}, ${offerKey}` : key;
    const innerSelects: Sql[] = [sql`${key} as ${id('key')}`];
    if (offerKey) innerSelects.push(sql`${offerKey} as ${id('offer_key')}`);
    innerSelects.push(
      sql`${value} as ${id('value')}`,
      sql`${t} as ${id('at')}`,
      sql`${raw(agg.fn === 'first' ? 'min' : 'max')}(${t}) over (partition by ${partition}) as ${id('chosen_at')}`,
    );
    const inner = selectSql({
      select: innerSelects,
      from: tableAs(this.source.sqlName, this.source.name),
      joins: this.joinsSql(key, offerKey),
      where: cond ? [this.beforeAsOf(time), cond] : [this.beforeAsOf(time)],
    });
    const [column] = [...this.columns.values()];
    const outerSelects: Sql[] = [sql`${id('picked', 'key')} as ${id('key')}`];
    if (offerKey) outerSelects.push(sql`${id('picked', 'offer_key')} as ${id('offer_key')}`);
    outerSelects.push(sql`${this.aggregateSql(column!.agg, undefined)} as ${id(column!.name)}`);
    return selectSql({
      select: outerSelects,
      from: sql`(${inner}) as ${id('picked')}`,
      where: [sql`${id('picked', 'at')} = ${id('picked', 'chosen_at')}`],
      groupBy: offerKey ? [id('picked', 'key'), id('picked', 'offer_key')] : [id('picked', 'key')],
    });
  }
}

/** How a query reads an aggregate's pass column: counts and sums over no events are 0, any/none compare the count. */
export function aggregateRef(agg: AggregateExpr, column: Sql, d: Dialect, textTime = false): SqlExpr {
  switch (agg.fn) {
    case 'count':
    case 'sum':
    case 'distinct':
      return { sql: sql`coalesce(${column}, 0)`, nullable: false };
    case 'any':
      return { sql: sql`(coalesce(${column}, 0) > 0)`, nullable: false };
    case 'none':
      return { sql: sql`(coalesce(${column}, 0) = 0)`, nullable: false };
    default:
      void d;
      return textTime ? { sql: column, nullable: true, textTime } : { sql: column, nullable: true };
  }
}
