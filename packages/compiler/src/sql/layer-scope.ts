/**
 * Resolving leaves at one layer of an `AudienceQuery`, and the SQL for
 * `entered()`/`left()` against the runtime's membership history.
 */
import { sql } from 'kysely';
import type { IrExpr } from '@seg/core';
import type { Dialect, Sql } from '../dialect/dialect';
import { RunParam } from '../parameters';
import type { AudienceQuery } from './audience-query';
import { rankComparison, rankComparisonSql, sortedValueAt } from './rank-threshold';
import type { ExprScope, LeafExpr, SqlExpr } from './sql-expr';
import { id, raw } from './fragments';

export const MEMBERSHIP_TABLE = 'seg_memberships';

const layerAliases: string[] = [];

/** `level:n`, the name of layer n's CTE: one string per layer, as names are looked up by it (see `id`). */
export function layerAlias(n: number): string {
  return (layerAliases[n] ??= `level:${n}`);
}

/** Resolves leaves at one layer of an `AudienceQuery`. */
export class LayerScope implements ExprScope {
  readonly dialect: Dialect;

  constructor(
    private readonly query: AudienceQuery,
    readonly level: number,
  ) {
    this.dialect = query.dialect;
  }

  get key(): Sql {
    return this.query.keyAt(this.level);
  }

  column(name: string): SqlExpr {
    return this.query.columnAt(name, this.level);
  }

  compare(expr: Extract<IrExpr, { kind: 'compare' }>): SqlExpr | undefined {
    const ranked = rankComparison(this.query.ws, expr);
    if (!ranked) return undefined;
    const column = this.query.rankedColumn(ranked.arg);
    const x = ranked.arg.kind === 'metric' ? this.column(column.name).sql : this.leaf(ranked.arg).sql;
    // The sorted audience values come from the layer that computed the metric (or carries the field).
    const layer = id(layerAlias(column.at));
    this.query.materializedLayers.add(column.at);
    const value = id(column.name);
    return rankComparisonSql(ranked, x, (k) => sortedValueAt(value, layer, k, ranked.buckets, this.dialect), this.dialect);
  }

  leaf(expr: LeafExpr): SqlExpr {
    const q = this.query;
    switch (expr.kind) {
      case 'field':
        if (expr.scope !== 'audience') throw new Error(`internal: ${expr.scope} field outside its scope`);
        return q.audienceFieldAt(expr.path, expr.field, this.level);
      case 'aggregate':
        return q.aggregateAt(expr, this.level);
      case 'metric':
        return this.column(q.metricColumn(expr.name).name);
      case 'segment':
        return this.column(q.segmentColumn(expr.name).name);
      case 'rank':
        return this.column(q.rankColumn(expr).name);
      case 'strategyOf':
        return this.column(q.strategyColumn(expr.which).name);
      case 'membershipChange':
        return membershipChangeSql(expr, this.column(q.segmentColumn(expr.segment).name).sql, this.key, this.dialect, q.options.plan);
      case 'offerProp':
        throw new Error(`internal: offer.${expr.name} outside an offer`);
    }
  }
}

/**
 * `entered(s)`: in `s` now and not at the plan's previous successful run;
 * `left(s)`: the reverse. The runtime records each run's members of such segments
 * in `seg_membership`; on a first run (no previous run id) nobody matches the
 * history, so `entered` is everyone in `s` and `left` is nobody.
 */
export function membershipChangeSql(
  expr: Extract<IrExpr, { kind: 'membershipChange' }>,
  member: Sql,
  key: Sql,
  d: Dialect,
  plan: string | undefined,
): SqlExpr {
  if (plan === undefined) throw new Error('internal: entered()/left() outside a plan');
  const history = sql`exists (select 1 from ${id(MEMBERSHIP_TABLE)} as ${id('history')} where ${id('history', 'plan')} = ${d.param(plan, 'text')} and ${id('history', 'segment')} = ${d.param(expr.segment, 'text')} and ${id('history', 'run_id')} = ${previousRunParam()} and ${id('history', 'customer_key')} = cast(${key} as ${raw(d.columnType('text'))}))`;
  const body = expr.change === 'entered' ? sql`(${member} and not ${history})` : sql`(not ${member} and ${history})`;
  return { sql: body, nullable: false };
}

const previousRunParam = () => sql`${new RunParam('previousRunId')}`;
